"""Reservation data (DOMAIN.md, spec 5(4)⑥): the rules beyond the form's JSON Schema, the ward's booked slots,
and creating a case with its reservation in one transaction (a booking by phone or a walk-in at the counter)."""
from __future__ import annotations

import re
from collections import Counter
from datetime import MAXYEAR, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from engine.runtime import InstanceSummary, WorkflowRuntime
from processes.calendar import JST, BusinessCalendar, CalendarError, today_jst
from processes.calendar.slots import Slot
from processes.okuyami.cases import start_case
from processes.okuyami.clerk_entry import normalise_reservation
from processes.okuyami.interview import InvalidAnswers, validate_answers
from processes.okuyami.visit_records import SLOT_TAKEN, hold_slot, record_walk_in
from processes.okuyami.visit_records import booked_counts as slot_bookings
from processes.tasks.validation import FieldError, ValidationFailed, load_form, schema_errors

FORMS = {"booking": "booking.json", "walk_in": "walkin.json"}
INTAKE_TASKS = {"booking": "booking", "walk_in": "walkin_intake"}
RESERVATION_FORMS = frozenset(FORMS.values())
KANA = re.compile(r"^[ァ-ヶー　 ]+$")
PHONE = re.compile(r"^0[0-9]{1,4}-?[0-9]{1,4}-?[0-9]{3,4}$")


def _day(data: dict, path: str) -> date | None:
    value = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def rule_errors(data: dict, today: date | None = None) -> list[FieldError]:
    """Dates not in the future and in order, kana in katakana, a Japanese phone number, valid answers."""
    today = today or today_jst()
    errors: list[FieldError] = []
    death, registered = _day(data, "date_of_death"), _day(data, "death_registered_on")
    deceased_birth, applicant_birth = _day(data, "deceased.birth_date"), _day(data, "applicant.birth_date")
    if death and death > today:
        errors.append(FieldError("date_of_death", "亡くなられた日に未来の日付は指定できません。"))
    if death and deceased_birth and death < deceased_birth:
        errors.append(FieldError("date_of_death", "亡くなられた日が生年月日より前になっています。"))
    if registered and registered > today:
        errors.append(FieldError("death_registered_on", "死亡届の提出日に未来の日付は指定できません。"))
    if registered and death and registered < death:
        errors.append(FieldError("death_registered_on", "死亡届の提出日が亡くなられた日より前になっています。"))
    for field, born in (("deceased.birth_date", deceased_birth), ("applicant.birth_date", applicant_birth)):
        if born and born > today:
            errors.append(FieldError(field, "生年月日に未来の日付は指定できません。"))
    for who in ("deceased", "applicant"):
        kana = (data.get(who) or {}).get("kana") if isinstance(data.get(who), dict) else None
        if isinstance(kana, str) and not KANA.match(kana):
            errors.append(FieldError(f"{who}.kana", "フリガナは全角カタカナで入力してください。"))
    phone = data.get("applicant", {}).get("phone") if isinstance(data.get("applicant"), dict) else None
    if isinstance(phone, str) and (not PHONE.match(phone) or len(phone.replace("-", "")) not in (10, 11)):
        errors.append(FieldError("applicant.phone", "電話番号は 044-200-0000 のような市外局番からの番号で入力してください。"))
    email = data.get("applicant", {}).get("email") if isinstance(data.get("applicant"), dict) else None
    if data.get("contact_preference") == "email" and not (isinstance(email, str) and email.strip()):
        errors.append(FieldError("applicant.email", "連絡方法がメールのときは、メールアドレスを入力してください。"))
    if "answers" in data:
        try:
            validate_answers(data["answers"], today)
        except InvalidAnswers as exc:
            errors.extend(FieldError(f"answers.{e.key}" if e.key != "answers" else "answers", e.message)
                          for e in exc.errors)
    return errors


def slot_start_of(data: dict) -> datetime:
    """The requested slot as an aware datetime, or ValidationFailed naming `slot_start`."""
    value = data.get("slot_start")
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is not None:
            moment.astimezone(JST)  # goes through UTC: year 1 in Tokyo would be year 0
    except (ValueError, OverflowError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationFailed([FieldError("slot_start", "予約日時は 2026-12-03T10:30:00+09:00 の形式で指定してください。")])
    return moment.astimezone(JST)


def booked_counts(session: Session, runtime: WorkflowRuntime | None, ward: str) -> Counter:
    """How many running bookings of the ward hold each slot start (one indexed query of case_visits)."""
    return slot_bookings(session, ward)


def booked_counter(session: Session, runtime: WorkflowRuntime | None, ward: str):
    counts = slot_bookings(session, ward)
    return lambda _ward, start: counts.get(start.astimezone(JST), 0)


NOT_A_SLOT = "予約できる枠ではありません（受付できる日時・開庁日・4開庁日後以降の枠を選んでください）。"


def check_slot(session: Session, runtime: WorkflowRuntime, ward: str, start: datetime,
               calendar: BusinessCalendar | None = None, *, exclude_open: bool = False) -> Slot:
    """The slot must be a bookable slot of the ward with room left; a full slot is a 409. The count answers
    early and kindly; the seat `hold_slot` takes is what the database guards."""
    calendar = calendar or BusinessCalendar.default()
    if start.year >= MAXYEAR:   # 9999-12-31T23:59:59 has no next second to count this slot's bookings up to
        raise ValidationFailed([FieldError("slot_start", NOT_A_SLOT)])
    counts = slot_bookings(session, ward, start, start + timedelta(seconds=1))   # this slot only

    def counter(_ward, slot_start):
        return counts.get(slot_start.astimezone(JST), 0)
    try:
        slot = calendar.slot_for(ward, start, booked=counter)
    except CalendarError as exc:
        raise ValidationFailed([FieldError("slot_start", exc.user_message)]) from exc
    if slot is None:
        raise ValidationFailed([FieldError("slot_start", NOT_A_SLOT)])
    if not slot.available:
        raise ValidationFailed([FieldError("slot_start", SLOT_TAKEN)], status=409, user_message=SLOT_TAKEN)
    return slot


def validate_reservation(forms_dir: Path, channel: str, data, session: Session, runtime: WorkflowRuntime,
                         instance_id: int | None = None) -> dict:
    """The reservation data checked against its form and every rule; returns what the intake task is completed
    with. Given the case's `instance_id`, the booking takes its seat of the slot (a walk-in: its visit day)."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("body", "JSON オブジェクトで送ってください。")], status=400)
    data, entry_errors = normalise_reservation(data)
    rules = entry_errors + rule_errors(data)
    # A rule's message says more than the schema's generic one ("入力形式が正しくありません。") for the same field.
    ruled = {e.field for e in rules}
    errors = [e for e in schema_errors(load_form(forms_dir, FORMS[channel]), data) if e.field not in ruled] + rules
    if channel == "walk_in" and "slot_start" in data:
        errors.append(FieldError("slot_start", "予約なしの来庁では予約日時を指定しません。"))
    if errors:
        raise ValidationFailed(errors)
    if channel == "booking":
        start = slot_start_of(data)
        slot = check_slot(session, runtime, data["ward"], start)
        if instance_id is not None:
            hold_slot(session, instance_id, data["ward"], start, slot.capacity, data)
    elif instance_id is not None:
        record_walk_in(session, instance_id, data["ward"], data)
    return prepared(data)


def validate_intake_task(forms_dir: Path, form: str, data: dict, session: Session, runtime: WorkflowRuntime,
                         instance_id: int | None = None) -> None:
    """Completing a booking or walk-in task through the task API obeys the same rules as creating a case."""
    channel = "booking" if form == FORMS["booking"] else "walk_in"
    validate_reservation(forms_dir, channel, data, session, runtime, instance_id)


def prepared(data: dict) -> dict:
    """The answers carry the dates the DMN needs (age band) when the family gave them in the reservation."""
    result = dict(data)
    answers = dict(result.get("answers") or {})
    answers.setdefault("deceased_birth_date", data["deceased"]["birth_date"])
    answers.setdefault("date_of_death", data["date_of_death"])
    result["answers"] = answers
    return result


def create_case(session: Session, runtime: WorkflowRuntime, forms_dir: Path, channel: str, actor: str,
                data) -> InstanceSummary:
    """Start the case and complete its first task (booking or walk-in intake) with the reservation, in the
    caller's transaction: either both happen or neither."""
    if channel not in FORMS:
        raise ValueError(f"unknown channel {channel!r}")
    values = validate_reservation(forms_dir, channel, data, session, runtime)
    case = start_case(runtime, channel, actor, ward=values["ward"], session=session)
    if channel == "booking":
        start = slot_start_of(values)
        capacity = check_slot(session, runtime, values["ward"], start).capacity
        hold_slot(session, case.id, values["ward"], start, capacity, values)
    else:
        record_walk_in(session, case.id, values["ward"], values)
    [intake] = [t for t in runtime.list_tasks(instance_id=case.id, session=session)
                if t.spec_name == INTAKE_TASKS[channel]]
    return runtime.complete_task(intake.id, values, actor, session=session)
