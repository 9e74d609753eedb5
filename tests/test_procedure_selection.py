"""Which procedures the interview selects: every one of the 50 is reachable, "no" drops it, "unknown" keeps it
as 要確認, and the rules DOMAIN.md calls out (JU03, HN01, KA01) hold."""
import pytest

from engine.dmn import DecisionService
from engine.settings import PROJECT_ROOT
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.interview import InvalidAnswers
from processes.okuyami.procedure_ids import PROCEDURE_IDS, WELFARE_IDS
from processes.okuyami.selection import SELECTION_FILE, select_procedures

SELECTION_TABLE = DecisionService.from_file(PROJECT_ROOT / "dmn" / SELECTION_FILE)
SEVENTY = {"deceased_birth_date": "1950-04-01", "date_of_death": "2026-11-01"}
FIFTY = {"deceased_birth_date": "1976-04-01", "date_of_death": "2026-11-01"}
THIRTY = {"deceased_birth_date": "1996-04-01", "date_of_death": "2026-11-01"}


def selected(answers: dict) -> dict[str, dict]:
    return {p["id"]: p for p in evaluate_answers(answers)}


def evaluate_answers(answers: dict) -> list[dict]:
    """The repository's selection table (the models' first deployment), as the navi evaluates it."""
    return select_procedures(answers, SELECTION_TABLE.evaluate, load_catalogue())


# What selects each procedure for sure ("yes"), and the same answers with the deciding answer "no".
YES_CASES = {
    "JU02": ({"cards": ["seal_registration"]}, {"cards": []}),
    "JU03": ({"household_head": "yes", "household_members_15plus_remaining": 2},
             {"household_head": "no", "household_members_15plus_remaining": 2}),
    "JU04": ({"cards": ["juki_card"]}, {"cards": ["mynumber_card"]}),
    "JU05": ({"cards": ["mynumber_card"]}, {"cards": ["juki_card"]}),
    "KA01": ({**SEVENTY}, {**THIRTY, "care_certification": "yes"}),
    "KA02": ({"care_cost_limit_certificate": "yes"}, {"care_cost_limit_certificate": "no"}),
    "KA03": ({"care_certification": "yes"}, {"care_certification": "no"}),
    "KA04": ({"care_services_used": "yes"}, {"care_services_used": "no"}),
    "KA05": ({**SEVENTY}, {**FIFTY}),
    **{ks: ({"welfare_items": [ks]}, {"welfare_items": []}) for ks in WELFARE_IDS},
    "HN01": ({"health_insurance": "kokuho", "funeral_held": "yes"},
             {"health_insurance": "employee", "funeral_held": "yes"}),
    "HN02": ({"health_insurance": "kouki"}, {"health_insurance": "employee"}),
    "HN03": ({"health_insurance": "kokuho", "medical_costs_last_2y": "yes"},
             {"health_insurance": "kokuho", "medical_costs_last_2y": "no"}),
    "ZE01": ({"moped_or_small_vehicle": "yes"}, {"moped_or_small_vehicle": "no"}),
    "ZE02": ({"income_in_year_of_death": "yes"}, {"income_in_year_of_death": "no"}),
    "JI01": ({"child_allowance_recipient": "yes"}, {"child_allowance_recipient": "no"}),
    "JI02": ({"child_medical_guardian": "yes"}, {"child_medical_guardian": "no"}),
    "JI03": ({"child_allowance_recipient": "yes"}, {"child_allowance_recipient": "no"}),
    "JI04": ({"single_parent_medical_recipient": "yes"}, {"single_parent_medical_recipient": "no"}),
    "HO01": ({"deceased_used_nursery": "yes"}, {"deceased_used_nursery": "no"}),
    "HO02": ({"household_child_in_nursery": "yes"}, {"household_child_in_nursery": "no"}),
    "EI01": ({"food_business_operator": "yes"}, {"food_business_operator": "no"}),
    "EI02": ({"clinic_operator": "yes"}, {"clinic_operator": "no"}),
    **{fu: ({"atomic_bomb_survivor": "yes"}, {"atomic_bomb_survivor": "no"}) for fu in ("FU01", "FU02", "FU03")},
}


def test_every_procedure_has_a_selection_case():
    assert set(YES_CASES) | {"JU01"} == set(PROCEDURE_IDS)


@pytest.mark.parametrize("procedure", sorted(YES_CASES))
def test_a_yes_answer_selects_the_procedure_and_a_no_drops_it(procedure):
    yes, no = YES_CASES[procedure]
    chosen = selected(yes)[procedure]
    assert chosen["needs_confirmation"] is False and chosen["reason"]
    assert chosen["name"] and chosen["department"]
    assert procedure not in selected(no)


def test_every_family_is_guided_to_the_family_register_certificates():
    assert selected({})["JU01"]["needs_confirmation"] is False
    assert "JU01" in selected({**THIRTY, "cards": [], "welfare_items": []})


def test_nothing_known_drops_nothing_and_marks_everything_but_ju01_to_confirm():
    result = selected({})
    assert set(result) == set(PROCEDURE_IDS)
    assert [p for p, e in result.items() if not e["needs_confirmation"]] == ["JU01"]
    assert "わからない" in result["JU02"]["reason"]


@pytest.mark.parametrize("answers, expected", [
    ({"household_head": "yes", "household_members_15plus_remaining": 2}, False),
    ({"household_head": "yes", "household_members_15plus_remaining": 5}, False),
    ({"household_head": "yes", "household_members_15plus_remaining": 1}, None),
    ({"household_head": "yes", "household_members_15plus_remaining": 0}, None),
    ({"household_head": "no", "household_members_15plus_remaining": 3}, None),
    ({"household_head": "unknown", "household_members_15plus_remaining": 2}, True),
    ({"household_head": "yes", "household_members_15plus_remaining": "unknown"}, True),
    ({"household_head": "unknown", "household_members_15plus_remaining": 1}, None),
], ids=str)
def test_ju03_only_for_a_householder_leaving_two_or_more_members_of_15_plus(answers, expected):
    """expected: False = selected, True = selected as 要確認, None = not selected."""
    entry = selected(answers).get("JU03")
    assert (None if entry is None else entry["needs_confirmation"]) is expected


@pytest.mark.parametrize("answers, expected", [
    ({"health_insurance": "kokuho", "funeral_held": "yes"}, False),
    ({"health_insurance": "kouki", "funeral_held": "yes"}, False),
    ({"health_insurance": "employee", "funeral_held": "yes"}, None),
    ({"health_insurance": "kouki", "funeral_held": "no"}, None),
    ({"health_insurance": "kokuho", "funeral_held": "unknown"}, True),
    ({"health_insurance": "unknown", "funeral_held": "yes"}, True),
    ({"health_insurance": "unknown", "funeral_held": "no"}, None),
], ids=str)
def test_hn01_only_with_kokuho_or_kouki_and_a_funeral(answers, expected):
    entry = selected(answers).get("HN01")
    assert (None if entry is None else entry["needs_confirmation"]) is expected


@pytest.mark.parametrize("answers, expected", [
    ({**SEVENTY}, False),
    ({**SEVENTY, "care_certification": "no"}, False),
    ({**FIFTY, "care_certification": "yes"}, False),
    ({**FIFTY, "care_certification": "no"}, None),
    ({**FIFTY, "care_certification": "unknown"}, True),
    ({**THIRTY, "care_certification": "yes"}, None),
    ({"care_certification": "yes"}, False),
    ({"care_certification": "no"}, True),
    ({"deceased_birth_date": "1961-11-02", "date_of_death": "2026-11-01", "care_certification": "no"}, None),  # 64
    ({"deceased_birth_date": "1961-11-01", "date_of_death": "2026-11-01"}, False),  # 65 on the birthday
], ids=str)
def test_ka01_for_everyone_65_plus_and_for_40_to_64_with_a_certification(answers, expected):
    entry = selected(answers).get("KA01")
    assert (None if entry is None else entry["needs_confirmation"]) is expected


def test_a_definite_answer_wins_over_an_unknown_one_for_the_same_procedure():
    result = selected({"health_insurance": "kokuho", "funeral_held": "yes", "medical_costs_last_2y": "unknown"})
    assert result["HN01"]["needs_confirmation"] is False
    assert result["HN03"]["needs_confirmation"] is True and "医療費" in result["HN03"]["reason"]


def test_results_come_in_catalogue_order_with_japanese_reasons():
    result = evaluate_answers({**SEVENTY, "household_head": "yes", "household_members_15plus_remaining": 2,
                               "health_insurance": "kouki", "funeral_held": "yes"})
    ids = [p["id"] for p in result]
    assert ids == [p for p in PROCEDURE_IDS if p in ids]
    ju03 = next(p for p in result if p["id"] == "JU03")
    assert ju03["reason"] == "世帯主だった方で、15歳以上の世帯員が2人以上残るため"
    assert ju03["department"] == "kumin"


@pytest.mark.parametrize("answers, field", [
    ({"favourite_colour": "blue"}, "favourite_colour"),
    ({"household_head": "maybe"}, "household_head"),
    ({"health_insurance": "private"}, "health_insurance"),
    ({"household_members_15plus_remaining": -1}, "household_members_15plus_remaining"),
    ({"household_members_15plus_remaining": "two"}, "household_members_15plus_remaining"),
    ({"cards": ["library_card"]}, "cards"),
    ({"welfare_items": ["KS99"]}, "welfare_items"),
    ({"date_of_death": "2026/11/01"}, "date_of_death"),
    ({"date_of_death": "2999-01-01"}, "date_of_death"),
    ({"deceased_birth_date": "2000-01-01", "date_of_death": "1999-01-01"}, "date_of_death"),
], ids=lambda v: str(v))
def test_bad_answers_are_refused_naming_the_key(answers, field):
    with pytest.raises(InvalidAnswers) as refused:
        evaluate_answers(answers)
    assert [e.key for e in refused.value.errors] == [field]
    assert refused.value.errors[0].message


def test_a_death_today_in_tokyo_is_not_in_the_future_while_utc_is_still_yesterday():
    from datetime import datetime, timezone

    import time_machine

    with time_machine.travel(datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc), tick=False):  # 08:30 JST on the 24th
        assert "JU01" in selected({"date_of_death": "2026-11-24", "deceased_birth_date": "1950-01-01"})
