"""The interview (問診) as the staff screens ask it: the questions in groups, with Japanese labels, and the
answers read back from a submitted form. A question not asked yet (未回答) is left out of the answers; the
family's 「わからない」 is kept as "unknown". The selection treats both alike, so neither drops a procedure
(it is selected as 要確認, interview.py), but the screens tell them apart."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from processes.okuyami.interview import CARDS, UNKNOWN, YES_NO_KEYS
from processes.okuyami.procedure_ids import WELFARE_IDS

GetList = Callable[[str], list[str]]
PREFIX = "answers."
NONE = "none"
"""The 「該当なし」 box of a multi-select."""
YES_NO_UNKNOWN = (("yes", "はい"), ("no", "いいえ"), (UNKNOWN, "わからない"))


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str = "yes_no"
    """yes_no | choice | number | multi"""
    options: tuple[tuple[str, str], ...] = YES_NO_UNKNOWN

    @property
    def field(self) -> str:
        return PREFIX + self.key


CARD_OPTIONS = (("seal_registration", "印鑑登録証"), ("juki_card", "住民基本台帳カード"), ("mynumber_card", "マイナンバーカード"))
INSURANCE_OPTIONS = (("kokuho", "国民健康保険"), ("kouki", "後期高齢者医療"), ("employee", "被用者保険（会社の健康保険など）"),
                     (UNKNOWN, "わからない"))


def question_groups(welfare_names: dict[str, str]) -> list[tuple[str, list[Question]]]:
    """The questions in the order the operator asks them; `welfare_names` labels KS01–KS24 (catalogue names)."""
    welfare = tuple((pid, f"{pid} {welfare_names.get(pid, '')}".strip()) for pid in WELFARE_IDS)
    return [
        ("世帯", [Question("household_head", "亡くなられた方は世帯主でしたか"),
                  Question("household_members_15plus_remaining", "残る世帯員のうち15歳以上の方の人数", "number", ())]),
        ("証・カード", [Question("cards", "お持ちだった証・カード（該当するものすべて）", "multi", CARD_OPTIONS)]),
        ("医療保険", [Question("health_insurance", "加入していた医療保険", "choice", INSURANCE_OPTIONS),
                      Question("funeral_held", "葬儀を行いましたか（喪主がわかる）"),
                      Question("medical_costs_last_2y", "この2年間に入院・通院の医療費がありましたか")]),
        ("介護", [Question("care_certification", "要介護・要支援の認定を受けていましたか"),
                  Question("care_cost_limit_certificate", "介護保険負担限度額認定証をお持ちでしたか"),
                  Question("care_services_used", "介護サービスを利用していましたか")]),
        ("障害・福祉", [Question("welfare_items", "お持ちだった手帳・受けていた手当・サービス（該当するものすべて）",
                                 "multi", welfare)]),
        ("税", [Question("moped_or_small_vehicle", "原付バイク・小型特殊自動車をお持ちでしたか"),
                Question("income_in_year_of_death", "亡くなられた年に収入がありましたか")]),
        ("子ども", [Question("child_allowance_recipient", "児童手当を受けていましたか"),
                    Question("child_medical_guardian", "子ども医療費助成の保護者でしたか"),
                    Question("single_parent_medical_recipient", "ひとり親家庭等医療費助成を受けていましたか"),
                    Question("deceased_used_nursery", "亡くなられた方が保育所等を利用していましたか"),
                    Question("household_child_in_nursery", "世帯のお子さんが保育所等を利用していますか")]),
        ("事業", [Question("food_business_operator", "飲食店などの食品営業をしていましたか"),
                  Question("clinic_operator", "病院・診療所を開設していましたか")]),
        ("被爆者", [Question("atomic_bomb_survivor", "被爆者健康手帳をお持ちでしたか")]),
    ]


def answers_from_form(getlist: GetList) -> dict:
    """The answers as interview.validate_answers reads them. Unanswered questions are left out (= unknown). A
    multi-select is unknown until something is ticked: 「該当なし」 alone is an empty list, 「わからない」 is unknown.
    A number that is not a number is passed on as text so that validation names it."""
    answers: dict = {}
    for key in YES_NO_KEYS + ("health_insurance",):
        value = _first(getlist(PREFIX + key))
        if value:
            answers[key] = value
    given = [v.strip() for v in getlist(PREFIX + "household_members_15plus_remaining") if v.strip()]
    members = UNKNOWN if UNKNOWN in given else _first(given)
    if members:
        answers["household_members_15plus_remaining"] = (
            int(members) if members.isdigit() else UNKNOWN if members == UNKNOWN else members)
    for key, allowed in (("cards", CARDS), ("welfare_items", WELFARE_IDS)):
        chosen = [c for c in getlist(PREFIX + key) if c]
        if UNKNOWN in chosen:
            answers[key] = UNKNOWN
        elif chosen:
            picked = [c for c in chosen if c != NONE]
            answers[key] = [item for item in allowed if item in picked] + [c for c in picked if c not in allowed]
    return answers


def _first(values: list[str]) -> str:
    return (values[0] if values else "").strip()


def unasked_questions(groups: list[tuple[str, list[Question]]], answers: dict) -> list[Question]:
    """The questions the operator has not asked yet (未回答), in the order of the interview."""
    return [q for _, questions in groups for q in questions if q.key not in answers]
