"""The interview (問診): validation of the family's answers and the derived inputs the selection DMN reads.

Every key is optional; a missing key means "unknown", and an unknown answer never drops a procedure: the
procedure is selected and marked 要確認. The same answers serve the staff interview, the public navi and the
booking, so a family's answers from home can be carried into the booking unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine.errors import InvalidTaskData
from processes.okuyami.procedure_ids import WELFARE_IDS

JST = ZoneInfo("Asia/Tokyo")
YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_KEYS = (
    "household_head", "funeral_held", "medical_costs_last_2y", "care_certification", "care_cost_limit_certificate",
    "care_services_used", "moped_or_small_vehicle", "income_in_year_of_death", "child_allowance_recipient",
    "child_medical_guardian", "single_parent_medical_recipient", "deceased_used_nursery",
    "household_child_in_nursery", "food_business_operator", "clinic_operator", "atomic_bomb_survivor",
)
CARDS = ("seal_registration", "juki_card", "mynumber_card")
HEALTH_INSURANCE = ("kokuho", "kouki", "employee", UNKNOWN)
DATE_KEYS = ("deceased_birth_date", "date_of_death")
ALL_KEYS = (*DATE_KEYS, "household_members_15plus_remaining", "cards", "health_insurance", "welfare_items",
            *YES_NO_KEYS)
MAX_HOUSEHOLD = 50


@dataclass(frozen=True)
class AnswerError:
    key: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.key, "message": self.message}


class InvalidAnswers(InvalidTaskData):
    """Answers that cannot be read; `errors` names every bad key with a Japanese message."""

    user_message = "問診の回答に誤りがあります。"

    def __init__(self, errors: list[AnswerError]):
        self.errors = errors
        super().__init__("invalid interview answers: " + ", ".join(e.key for e in errors))


def _date(answers: dict, key: str, errors: list[AnswerError]) -> date | None:
    value = answers.get(key)
    if value is None or value == UNKNOWN:
        return None
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        pass
    errors.append(AnswerError(key, "日付は YYYY-MM-DD の形式で入力してください。"))
    return None


def validate_answers(answers, today: date | None = None) -> dict:
    """The answers, checked; raises InvalidAnswers naming every bad key. Returns a normalised copy."""
    if not isinstance(answers, dict):
        raise InvalidAnswers([AnswerError("answers", "回答は JSON オブジェクトで指定してください。")])
    errors: list[AnswerError] = []
    for key in answers:
        if key not in ALL_KEYS:
            errors.append(AnswerError(str(key), "この質問はありません。"))
    for key in YES_NO_KEYS:
        if key in answers and answers[key] not in (YES, NO, UNKNOWN):
            errors.append(AnswerError(key, "「yes」「no」「unknown」のいずれかで回答してください。"))
    if "health_insurance" in answers and answers["health_insurance"] not in HEALTH_INSURANCE:
        errors.append(AnswerError("health_insurance", "「kokuho」「kouki」「employee」「unknown」のいずれかで回答してください。"))
    members = answers.get("household_members_15plus_remaining")
    if members is not None and members != UNKNOWN and (
            isinstance(members, bool) or not isinstance(members, int) or not 0 <= members <= MAX_HOUSEHOLD):
        errors.append(AnswerError("household_members_15plus_remaining",
                                  f"0 から {MAX_HOUSEHOLD} までの人数、または「unknown」で回答してください。"))
    for key, allowed in (("cards", CARDS), ("welfare_items", WELFARE_IDS)):
        value = answers.get(key)
        if value is None or value == UNKNOWN:
            continue
        if not isinstance(value, list) or any(item not in allowed for item in value):
            errors.append(AnswerError(key, f"{'・'.join(allowed[:3])} などの一覧（リスト）で回答してください。"))
    birth, death = _date(answers, "deceased_birth_date", errors), _date(answers, "date_of_death", errors)
    today = today or datetime.now(JST).date()
    if death and death > today:
        errors.append(AnswerError("date_of_death", "亡くなられた日に未来の日付は指定できません。"))
    if birth and birth > today:
        errors.append(AnswerError("deceased_birth_date", "生年月日に未来の日付は指定できません。"))
    if birth and death and death < birth:
        errors.append(AnswerError("date_of_death", "亡くなられた日が生年月日より前になっています。"))
    if errors:
        raise InvalidAnswers(errors)
    return dict(answers)


def age_at(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def decision_inputs(answers: dict) -> dict[str, str]:
    """What the selection DMN reads: every input a plain "yes" / "no" / "unknown" (or a band)."""
    inputs = {key: answers.get(key, UNKNOWN) for key in YES_NO_KEYS}
    members = answers.get("household_members_15plus_remaining", UNKNOWN)
    inputs["members_15plus"] = UNKNOWN if members == UNKNOWN else ("2plus" if members >= 2 else "under2")
    cards = answers.get("cards", UNKNOWN)
    for card in CARDS:
        inputs[card] = UNKNOWN if cards == UNKNOWN else (YES if card in cards else NO)
    inputs["health_insurance"] = answers.get("health_insurance", UNKNOWN)
    welfare = answers.get("welfare_items", UNKNOWN)
    for item in WELFARE_IDS:
        inputs[item] = UNKNOWN if welfare == UNKNOWN else (YES if item in welfare else NO)
    birth, death = answers.get("deceased_birth_date"), answers.get("date_of_death")
    if birth in (None, UNKNOWN) or death in (None, UNKNOWN):
        inputs["age_band"] = UNKNOWN
    else:
        age = age_at(date.fromisoformat(birth), date.fromisoformat(death))
        inputs["age_band"] = "65plus" if age >= 65 else ("40to64" if age >= 40 else "under40")
    return inputs
