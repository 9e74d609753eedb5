"""Visit slots of a ward corner through the JSON API."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, jsonify, request

from processes.calendar import BusinessCalendar, CalendarError
from processes.okuyami.booking import booked_counter
from processes.tasks.access import SLOT_READERS, require
from processes.tasks.validation import FieldError, ValidationFailed
from processes.wards import load_wards
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_slots", __name__, url_prefix="/api/v1")
register_errors(bp)
DEFAULT_DAYS = 28


def _date(name: str, errors: list) -> date | None:
    value = request.args.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("x")
    except ValueError:
        errors.append(FieldError(name, "日付は YYYY-MM-DD の形式で指定してください。"))
        return None


@bp.get("/slots")
@token_required
def slots():
    require(actor().role in SLOT_READERS)
    ward = request.args.get("ward")
    errors = []
    if ward not in load_wards():
        errors.append(FieldError("ward", "区のコード（kawasaki, saiwai, nakahara, takatsu, miyamae, tama, asao）を指定してください。"))
    calendar = BusinessCalendar.default()
    first = _date("from", errors) or calendar.today()
    last = _date("to", errors) or first + timedelta(days=DEFAULT_DAYS)
    if not errors and last < first:
        errors.append(FieldError("to", "終了日は開始日以降にしてください。"))
    if errors:
        raise ValidationFailed(errors, status=400)
    p = platform()
    with p.database.transaction(write=False) as session:
        try:
            found = calendar.slots(ward, first, last, booked=booked_counter(session, p.runtime, ward))
        except CalendarError as exc:
            raise ValidationFailed([FieldError("to", exc.user_message)], status=400) from exc
    return jsonify({"ward": ward, "slots": [
        {"start": s.start.isoformat(), "end": s.end.isoformat(), "capacity": s.capacity, "booked": s.booked,
         "available": s.available} for s in found]})
