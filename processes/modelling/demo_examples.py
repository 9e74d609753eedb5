"""The demo city's twenty example interviews: each pins a rule of the selection DMN that is easy to get wrong."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from processes.modelling.examples import add_example
from processes.modelling.models import ExampleInterview

_NO = ("household_head", "funeral_held", "medical_costs_last_2y", "care_certification", "care_cost_limit_certificate",
       "care_services_used", "moped_or_small_vehicle", "income_in_year_of_death", "child_allowance_recipient",
       "child_medical_guardian", "single_parent_medical_recipient", "deceased_used_nursery",
       "household_child_in_nursery", "food_business_operator", "clinic_operator", "atomic_bomb_survivor")
_BASE = {**{key: "no" for key in _NO}, "household_members_15plus_remaining": 1, "health_insurance": "employee",
         "funeral_held": "yes", "cards": [], "welfare_items": [], "deceased_birth_date": "1970-04-01",
         "date_of_death": "2026-11-01"}


def _answers(**changes) -> dict:
    return {**_BASE, **changes}


DEMO_EXAMPLES: list[tuple[str, dict, list[str], list[str]]] = [
    ("会社員で手続の少ない家族", _answers(), ["JU01"], ["JU03", "KA01", "KA05", "HN01", "HN02", "JU05"]),
    ("世帯主で15歳以上の世帯員が2人残る", _answers(household_head="yes", household_members_15plus_remaining=2),
     ["JU03"], []),
    ("世帯主だが15歳以上の世帯員は1人だけ", _answers(household_head="yes"), [], ["JU03"]),
    ("世帯主で残る世帯員の数はわからない", _answers(household_head="yes", household_members_15plus_remaining="unknown"),
     ["JU03"], []),
    ("国民健康保険で葬儀を行った", _answers(health_insurance="kokuho"), ["HN01", "HN02"], ["HN03"]),
    ("国民健康保険で葬儀はまだ", _answers(health_insurance="kokuho", funeral_held="no"), ["HN02"], ["HN01"]),
    ("後期高齢者医療で医療費がかかった", _answers(health_insurance="kouki", medical_costs_last_2y="yes",
                                     deceased_birth_date="1938-06-10"), ["HN01", "HN02", "HN03"], []),
    ("被用者保険の加入者", _answers(medical_costs_last_2y="yes"), [], ["HN01", "HN02", "HN03"]),
    ("医療保険がわからない", _answers(health_insurance="unknown"), ["HN01", "HN02"], []),
    ("65歳以上の方", _answers(deceased_birth_date="1945-01-15"), ["KA01", "KA05"], []),
    ("40〜64歳で要介護認定あり", _answers(care_certification="yes"), ["KA01", "KA03"], ["KA05"]),
    ("40〜64歳で要介護認定なし", _answers(), [], ["KA01", "KA03", "KA05"]),
    ("生年月日がわからない", _answers(deceased_birth_date="unknown"), ["KA01", "KA05"], []),
    ("印鑑登録証とマイナンバーカードを持っていた", _answers(cards=["seal_registration", "mynumber_card"]),
     ["JU02", "JU05"], ["JU04"]),
    ("カード類の所持がわからない", _answers(cards="unknown"), ["JU02", "JU04", "JU05"], []),
    ("身体障害者手帳と福祉タクシー券", _answers(welfare_items=["KS01", "KS18"]), ["KS01", "KS18"], ["KS02", "KS13"]),
    ("児童手当を受け取っていた", _answers(child_allowance_recipient="yes"), ["JI01", "JI03"], ["JI02", "JI04"]),
    ("世帯の子が保育所に通う", _answers(household_child_in_nursery="yes"), ["HO02"], ["HO01"]),
    ("飲食店を営み原付を持っていた", _answers(food_business_operator="yes", moped_or_small_vehicle="yes"),
     ["EI01", "ZE01"], ["EI02"]),
    ("被爆者健康手帳を持っていた", _answers(atomic_bomb_survivor="yes"), ["FU01", "FU02", "FU03"], []),
]


def seed_demo_examples(session: Session, actor: str = "demo") -> list[str]:
    """Add the twenty examples once (nothing when any example exists already)."""
    if session.scalar(select(func.count()).select_from(ExampleInterview)):
        return []
    for title, answers, include, exclude in DEMO_EXAMPLES:
        add_example(session, actor, title, answers, include, exclude)
    return [f"example interviews: {len(DEMO_EXAMPLES)}"]
