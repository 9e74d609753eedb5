"""Ward corners as the administrator keeps them: office, address, the corner's location and floor, the visit
slots (their start times and families per slot) and one-off closures (川崎区's corner moves during the contract).

wards.yaml and calendar.yaml are the first load: while the tables are empty the YAML holds; the first save copies
every ward into the database and from then on the database is the source. `install` puts the database's values
into processes.wards and the business calendar, so booking slots, the calendar and the forms use them."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound
from engine.runtime import audit
from processes.administration.models import WardClosure, WardOffice
from processes.calendar import CALENDAR_FILE, BusinessCalendar, CalendarError
from processes.calendar.calendar import read_calendar_yaml
from processes.tasks.validation import FieldError, ValidationFailed
from processes.wards import WARDS_FILE, Ward, _load_yaml, use_administered_wards

TEXT_LIMITS = {"office": 100, "address": 200, "corner_location": 200, "corner_floor": 50}
FIELD_NAMES = {"office": "庁舎名", "address": "所在地", "corner_location": "コーナーの場所", "corner_floor": "階"}
MAX_CAPACITY = 20
MAX_SLOTS = 12
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class WardCorner:
    ward: Ward
    slot_times: tuple[time, ...]
    capacity: int
    closures: tuple[WardClosure, ...]
    updated_at: datetime | None
    updated_by: str | None


@lru_cache(maxsize=1)
def _yaml_calendar() -> BusinessCalendar:
    return BusinessCalendar.from_yaml(CALENDAR_FILE, wards=_load_yaml(WARDS_FILE).keys())


def _yaml_corners() -> dict[str, WardCorner]:
    calendar = _yaml_calendar()
    return {code: WardCorner(ward, calendar.config.wards[code].slots.times, calendar.config.wards[code].slots.capacity,
                             (), None, None)
            for code, ward in _load_yaml(WARDS_FILE).items()}


def corners(session: Session) -> dict[str, WardCorner]:
    """Every ward's corner: the database's once saved, else the YAML's."""
    rows = session.scalars(select(WardOffice)).all()
    closures: dict[str, list[WardClosure]] = {}
    for closure in session.scalars(select(WardClosure).order_by(WardClosure.first_day)):
        closures.setdefault(closure.ward, []).append(closure)
    if not rows:
        return {code: replace(corner, closures=tuple(closures.get(code, ())))
                for code, corner in _yaml_corners().items()}
    return {row.code: WardCorner(Ward(row.code, row.name, row.office, row.address, row.corner_location,
                                      row.corner_floor),
                                 tuple(_parse_time(t) for t in row.slot_times.split(",")), row.capacity,
                                 tuple(closures.get(row.code, ())), row.updated_at, row.updated_by)
            for row in sorted(rows, key=lambda r: list(_load_yaml(WARDS_FILE)).index(r.code)
                              if r.code in _load_yaml(WARDS_FILE) else 99)}


def corner(session: Session, code: str) -> WardCorner:
    found = corners(session).get(code)
    if found is None:
        raise NotFound(f"ward {code!r} not found", user_message="区が見つかりません。")
    return found


def _parse_time(text: str) -> time:
    hours, minutes = text.strip().split(":")
    return time(int(hours), int(minutes))


def parse_slot_times(text: str) -> tuple[list[time], list[str]]:
    """Times separated by commas, spaces or 「、」; returns (times, problems)."""
    parts = [p for p in re.split(r"[\s,、，]+", text.replace("：", ":").strip()) if p]
    times, problems = [], []
    for part in parts:
        match = _TIME.match(part)
        if match is None:
            problems.append(f"「{part}」は時刻ではありません。9:00 のように時:分で入力してください。")
        else:
            times.append(time(int(match.group(1)), int(match.group(2))))
    return sorted(set(times)), problems


def save_corner(session: Session, code: str, form: dict, actor: str) -> None:
    """Validate the form and save the ward (the first save copies every ward from the YAML). Every problem is
    listed at once; nothing is written when there is one."""
    current = corners(session)
    if code not in current:
        raise NotFound(f"ward {code!r} not found", user_message="区が見つかりません。")
    errors: list[FieldError] = []
    values = {}
    for field, limit in TEXT_LIMITS.items():
        value = (form.get(field) or "").strip()
        if field in ("office", "address") and not value:
            errors.append(FieldError(field, f"{FIELD_NAMES[field]}を入力してください。"))
        elif len(value) > limit:
            errors.append(FieldError(field, f"{FIELD_NAMES[field]}は{limit}文字以内で入力してください"
                                            f"（現在{len(value)}文字）。"))
        values[field] = value
    times, problems = parse_slot_times(form.get("slot_times") or "")
    calendar = BusinessCalendar.default()
    hours = calendar.config.wards[code].corner if code in calendar.config.wards else calendar.config.corner
    duration = calendar.config.slots.duration
    latest = (datetime.combine(date.today(), hours.close) - duration).time()
    problems += [f"{t.hour}:{t.minute:02d} は受付時間外です。{hours.open.hour}:{hours.open.minute:02d}〜"
                 f"{latest.hour}:{latest.minute:02d} の間で入力してください（1枠{int(duration / timedelta(minutes=1))}分）。"
                 for t in times if t < hours.open or t > latest]
    if not times and not problems:
        problems.append("予約枠の開始時刻を1つ以上入力してください（例: 9:00, 10:30, 13:00, 14:30）。")
    if len(times) > MAX_SLOTS:
        problems.append(f"予約枠は1日{MAX_SLOTS}枠までです（現在{len(times)}枠）。")
    errors += [FieldError("slot_times", problem) for problem in problems]
    capacity_text = (form.get("capacity") or "").strip()
    if not capacity_text.isdigit() or not 1 <= int(capacity_text) <= MAX_CAPACITY:
        errors.append(FieldError("capacity", f"1枠の受付家族数は1〜{MAX_CAPACITY}の数字で入力してください。"))
    if errors:
        raise ValidationFailed(errors)
    if session.scalar(select(WardOffice.code).limit(1)) is None:
        for existing in current.values():
            session.add(_row(existing, actor))
        session.flush()
    row = session.get(WardOffice, code)
    before = _snapshot(row)
    for field, value in values.items():
        setattr(row, field, value)
    row.slot_times = ",".join(f"{t.hour:02d}:{t.minute:02d}" for t in times)
    row.capacity = int(capacity_text)
    row.updated_at, row.updated_by = utcnow(), actor
    changed = sorted(k for k, v in _snapshot(row).items() if before[k] != v)
    audit.record(session, actor, "ward.updated", before=before, after=_snapshot(row),
                 detail={"ward": code, "changed": changed})
    install(session)


def _row(corner: WardCorner, actor: str) -> WardOffice:
    ward = corner.ward
    return WardOffice(code=ward.code, name=ward.name, office=ward.office, address=ward.address,
                      corner_location=ward.corner_location, corner_floor=ward.corner_floor,
                      slot_times=",".join(f"{t.hour:02d}:{t.minute:02d}" for t in corner.slot_times),
                      capacity=corner.capacity, updated_at=utcnow(), updated_by=actor)


def _snapshot(row: WardOffice) -> dict:
    return {field: getattr(row, field) for field in (*TEXT_LIMITS, "slot_times", "capacity")}


def add_closure(session: Session, code: str, form: dict, actor: str) -> WardClosure:
    if code not in corners(session):
        raise NotFound(f"ward {code!r} not found", user_message="区が見つかりません。")
    errors = []
    first = _date(form.get("first_day"), "first_day", "休業の初日", errors)
    last = _date(form.get("last_day") or form.get("first_day"), "last_day", "休業の最終日", errors)
    reason = (form.get("reason") or "").strip()
    if not reason or len(reason) > 200:
        errors.append(FieldError("reason", f"理由は1〜200文字で入力してください（現在{len(reason)}文字）。"))
    if first and last and last < first:
        errors.append(FieldError("last_day", "最終日は初日と同じか、それより後の日にしてください。"))
    if errors:
        raise ValidationFailed(errors)
    closure = WardClosure(ward=code, first_day=first, last_day=last, reason=reason, created_by=actor)
    session.add(closure)
    session.flush()
    audit.record(session, actor, "ward.closure_added", detail={"ward": code, "closure_id": closure.id,
                                                               "first_day": first.isoformat(),
                                                               "last_day": last.isoformat()})
    install(session)
    return closure


def remove_closure(session: Session, code: str, closure_id: int, actor: str) -> None:
    closure = session.get(WardClosure, closure_id)
    if closure is None or closure.ward != code:
        raise NotFound(f"closure {closure_id} not found", user_message="休業日が見つかりません。")
    audit.record(session, actor, "ward.closure_removed", detail={
        "ward": code, "closure_id": closure.id, "first_day": closure.first_day.isoformat(),
        "last_day": closure.last_day.isoformat()})
    session.delete(closure)
    session.flush()
    install(session)


def _date(text: str | None, field: str, label: str, errors: list[FieldError]) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        errors.append(FieldError(field, f"{label}を日付で入力してください（例: 2026-08-03）。"))
        return None


# ---- making the database the source --------------------------------------------------------------------------
def install(session: Session) -> None:
    """Put the database's wards and calendar in place of the YAML (or the YAML back when nothing was saved)."""
    rows = session.scalars(select(WardOffice)).all()
    closures = session.scalars(select(WardClosure)).all()
    if not rows and not closures:
        use_administered_wards(None)
        BusinessCalendar.use_administered(None)
        return
    found = corners(session)
    raw = copy.deepcopy(read_calendar_yaml() or {})
    ward_overrides = raw.setdefault("wards", {}) or {}
    raw["wards"] = ward_overrides
    for code, corner_ in found.items():
        override = dict(ward_overrides.get(code) or {})
        slots = {k: v for k, v in dict(override.get("slots") or {}).items() if k != "count"}
        slots.update(times=[f"{t.hour:02d}:{t.minute:02d}" for t in corner_.slot_times], capacity=corner_.capacity)
        override["slots"] = slots
        ward_overrides[code] = override
    raw["ward_closures"] = list(raw.get("ward_closures") or []) + [
        {"ward": c.ward, "from": c.first_day.isoformat(), "to": c.last_day.isoformat(), "reason": c.reason}
        for c in closures]
    try:
        calendar = BusinessCalendar.from_config(raw, wards=found.keys())
    except CalendarError as exc:
        raise ValidationFailed([FieldError("slot_times", "業務カレンダーの設定と合いません。受付時間内の時刻にしてください。")]) \
            from exc
    use_administered_wards({code: c.ward for code, c in found.items()})
    BusinessCalendar.use_administered(calendar)
