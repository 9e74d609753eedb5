"""The visit's order, whichever way it is recorded (the counter's screen, the JSON API, the task API): check-in
only on the visit's day, check-out only after check-in, never in the future. Check-in and check-out are columns
of the case's case_visits row, not only audit entries."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from engine.errors import TaskConflict
from processes.calendar import JST, now_jst
from processes.okuyami.visit_models import CaseVisit
from processes.okuyami.visit_records import visit_row
from processes.tasks.validation import FieldError, ValidationFailed

VISIT_FORM = "visit.json"
NOT_CHECKED_IN = "受付（チェックイン）がまだです。ご家族が来庁されたら、先に受付をしてから終了してください。"
CLOCK_SLACK = timedelta(minutes=5)
WEEKDAYS = "月火水木金土日"


def japanese_day(day: date) -> str:
    return f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def check_in_refusal(row: CaseVisit | None, now: datetime) -> str | None:
    """Why the family cannot be checked in now, in Japanese; None when they can."""
    if row is None or row.visit_on is None:
        return "この案件には来庁日がないため、受付（チェックイン）できません。"
    if row.cancelled_at is not None:
        return "この予約は取り消されています。"
    today = now.astimezone(JST).date()
    if row.visit_on > today:
        return (f"受付（チェックイン）は来庁日の当日にだけできます。この案件の来庁日は{japanese_day(row.visit_on)}"
                "です。")
    if row.visit_on < today:
        return (f"来庁日（{japanese_day(row.visit_on)}）を過ぎています。別の日に来庁されたときは、予約日時を変更して"
                "から受付してください。")
    return None


def record_check_in(row: CaseVisit | None, now: datetime | None = None) -> datetime:
    """The family's arrival, once (checking in again keeps the first time); a 409 outside the visit's day."""
    moment = (now or now_jst()).astimezone(JST)
    if row is not None and row.checked_in_at is not None:
        return row.checked_in_at.astimezone(JST)
    refusal = check_in_refusal(row, moment)
    if refusal:
        raise TaskConflict("check-in outside the visit's day", user_message=refusal)
    row.checked_in_at = moment
    return moment


def check_out_errors(row: CaseVisit | None, checked_out: datetime | None, now: datetime) -> list[FieldError]:
    if row is None or row.checked_in_at is None:
        return [FieldError("check_in", NOT_CHECKED_IN)]
    checked_in = row.checked_in_at.astimezone(JST)
    if checked_out is None:
        return [FieldError("checked_out_at", "終了時刻を 2026-12-03T11:40:00+09:00 の形式で指定してください。")]
    if checked_out < checked_in:
        return [FieldError("checked_out_at", f"終了時刻は受付時刻（{checked_in:%H:%M}）より後にしてください。")]
    if checked_out > now + CLOCK_SLACK:
        return [FieldError("checked_out_at", "終了時刻に未来の時刻は指定できません。")]
    return []


def check_visit_completion(session: Session, instance_id: int, data: dict, now: datetime | None = None) -> None:
    """A visit task completed through the task API: 422 naming `check_in` before the family was checked in; the
    recorded check-in wins over any other time sent; the check-out is stored on the case."""
    row = visit_row(session, instance_id)
    value = data.get("checked_out_at")
    try:
        checked_out = datetime.fromisoformat(value).astimezone(JST) if isinstance(value, str) else None
    except ValueError:
        checked_out = None
    errors = check_out_errors(row, checked_out, (now or now_jst()).astimezone(JST))
    if errors:
        raise ValidationFailed(errors)
    data["checked_in_at"] = row.checked_in_at.astimezone(JST).isoformat()
    row.checked_out_at = checked_out
