"""The booking screen's fields (flat names such as `deceased.kana`) read into the reservation data that
booking.create_case validates, and back (for the confirmation page's hidden fields); the open booking task of a
case that the screen completes when the operator comes from the worklist."""
from __future__ import annotations

from typing import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from processes.okuyami.interview_questions import answers_from_form

GetList = Callable[[str], list[str]]
BOOKING_TASK = "booking"
TOP_FIELDS = ("ward", "slot_start", "date_of_death", "death_registered_on", "death_registered_municipality",
              "relationship", "contact_preference")
PERSON_FIELDS = ("name", "kana", "address", "birth_date")
REQUIRED_PEOPLE = {"deceased": PERSON_FIELDS, "applicant": (*PERSON_FIELDS, "phone", "email")}
OPTIONAL_GROUPS = {"funeral_host": ("name", "kana", "address"), "new_householder": ("name", "kana", "address"),
                   "refund_account": ("bank", "branch", "account_type", "account_number", "holder_kana")}
FULL_WIDTH_SPACE = "\u3000"


def _clean(value: str | None) -> str:
    return (value or "").strip()


def reservation_from_form(form: Mapping[str, str], getlist: GetList) -> dict:
    """Fields left empty are left out, so that validation says 「必須項目です。」 next to each. An optional group
    (喪主, 新世帯主, 口座) is kept only when something in it was filled in."""
    data: dict = {}
    for name in TOP_FIELDS:
        if _clean(form.get(name)):
            data[name] = _clean(form.get(name))
    heir = _clean(form.get("representative_heir"))
    if heir in ("yes", "no"):
        data["representative_heir"] = heir == "yes"
    for group, fields in (*REQUIRED_PEOPLE.items(), *OPTIONAL_GROUPS.items()):
        values = {f: _clean(form.get(f"{group}.{f}")) for f in fields}
        values = {f: v for f, v in values.items() if v}
        if values or group in REQUIRED_PEOPLE:
            data[group] = values
    for person in ("deceased", "applicant", "funeral_host", "new_householder"):
        if "kana" in data.get(person, {}):
            data[person]["kana"] = data[person]["kana"].replace(FULL_WIDTH_SPACE, " ")
    data["answers"] = answers_from_form(getlist)
    return data


def form_fields(data: dict) -> list[tuple[str, str]]:
    """The reservation as (field name, value) pairs: what the confirmation page carries in hidden fields."""
    pairs = [(name, str(data[name])) for name in TOP_FIELDS if name in data]
    if "representative_heir" in data:
        pairs.append(("representative_heir", "yes" if data["representative_heir"] else "no"))
    for group in (*REQUIRED_PEOPLE, *OPTIONAL_GROUPS):
        pairs += [(f"{group}.{k}", str(v)) for k, v in (data.get(group) or {}).items()]
    for key, value in (data.get("answers") or {}).items():
        if isinstance(value, list):
            pairs += [(f"answers.{key}", item) for item in value] or [(f"answers.{key}", "none")]
        else:
            pairs.append((f"answers.{key}", str(value)))
    return pairs


def open_booking_task(session: Session, case_id: int) -> HumanTask | None:
    """The case's booking task (予約受付・問診) while it waits to be done, or None."""
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == case_id,
                                                  HumanTask.spec_name == BOOKING_TASK, HumanTask.state == "READY"))


def prefilled(task_data: dict) -> dict:
    """What the booking screen starts with for an open booking task: the reservation fields the case already
    holds (a ward chosen at the start, answers carried from the navi), nothing else of the case."""
    data = {k: v for k, v in task_data.items() if k in TOP_FIELDS or k in REQUIRED_PEOPLE or k in OPTIONAL_GROUPS
            or k == "representative_heir"}
    data["answers"] = dict(task_data.get("answers") or {})
    return data
