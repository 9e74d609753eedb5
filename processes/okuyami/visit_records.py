"""Writing and reading the case_visits rows: a booking takes a seat of its slot (the database refuses a second
holder of the same seat, so the last place goes to one booking even with several app processes), a move takes a
seat of the new slot, a cancellation frees it; walk-ins are recorded on the day they come. All in the caller's
transaction."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import LargeBinary, bindparam, func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import crypto
from engine.db.models import ProcessInstance
from engine.runtime import audit
from engine.runtime.statements import INSERT_AUDIT
from processes.calendar import JST, now_jst
from processes.okuyami.visit_models import CaseVisit
from processes.tasks.list_reads import run_rows
from processes.tasks.validation import FieldError, ValidationFailed

SLOT_TAKEN = "この予約枠はすでに埋まっています。別の枠を選んでください。"


def family_of(data: dict) -> bytes:
    """The names the counter's lists show, from the reservation data."""
    def name(who: str) -> str:
        person = data.get(who)
        return person.get("name", "") if isinstance(person, dict) else ""
    return json.dumps({"deceased": name("deceased"), "applicant": name("applicant")}, ensure_ascii=False).encode()


def booked_counts(session: Session, ward: str, first: datetime | None = None,
                  last: datetime | None = None) -> Counter:
    """How many bookings hold a seat of each slot start of the ward (one indexed GROUP BY, no case data read)."""
    query = (select(CaseVisit.slot_start, func.count()).where(CaseVisit.ward == ward, CaseVisit.seat.is_not(None))
             .group_by(CaseVisit.slot_start))
    if first is not None:
        query = query.where(CaseVisit.slot_start >= first)
    if last is not None:
        query = query.where(CaseVisit.slot_start < last)
    return Counter({start.astimezone(JST): count for start, count in session.execute(query)})


def visit_row(session: Session, instance_id: int) -> CaseVisit | None:
    return session.get(CaseVisit, instance_id)


def _row(session: Session, instance_id: int, ward: str, channel: str) -> CaseVisit:
    row = session.get(CaseVisit, instance_id)
    if row is None:
        row = CaseVisit(instance_id=instance_id, ward=ward, channel=channel)
        session.add(row)
    row.ward, row.channel = ward, channel
    return row


def hold_slot(session: Session, instance_id: int, ward: str, start: datetime, capacity: int,
              data: dict | None = None) -> CaseVisit:
    """Take the first free seat of the slot for the case (moving it there when it held another slot); a slot
    with no free seat left is a 409. The seats already taken are read first, so a booking tries only free ones;
    the unique (ward, slot_start, seat) constraint decides between two bookings racing for the same seat: the
    loser tries the next free seat, and finds none when the slot is full."""
    start = start.astimezone(JST)
    row = _row(session, instance_id, ward, "booking")
    if data is not None:
        row.family = family_of(data)
    row.seat, row.cancelled_at = None, None
    session.flush()
    taken = set(session.scalars(select(CaseVisit.seat).where(CaseVisit.ward == ward, CaseVisit.slot_start == start,
                                                             CaseVisit.seat.is_not(None))))
    for seat in (seat for seat in range(1, capacity + 1) if seat not in taken):
        try:
            with session.begin_nested():
                row.slot_start, row.seat, row.visit_on = start, seat, start.date()
                session.flush()
            return row
        except IntegrityError:
            session.expire(row, ["slot_start", "seat", "visit_on"])
            continue
    raise ValidationFailed([FieldError("slot_start", SLOT_TAKEN)], status=409, user_message=SLOT_TAKEN)


def record_walk_in(session: Session, instance_id: int, ward: str, data: dict, day: date | None = None) -> CaseVisit:
    """A family without a reservation: the visit is on the day the case starts at the counter."""
    row = _row(session, instance_id, ward, "walk_in")
    row.family = family_of(data)
    row.visit_on = day or now_jst().date()
    session.flush()
    return row


def release_slot(session: Session, instance_id: int, when: datetime | None = None) -> None:
    """A cancelled booking gives its place back (the row stays: the case keeps its history)."""
    row = session.get(CaseVisit, instance_id)
    if row is not None:
        row.seat, row.cancelled_at = None, when or now_jst()
        session.flush()


def ensure_row(session: Session, instance_id: int, data: dict) -> CaseVisit | None:
    """The case's row, made from the case data when a case reached the visit without one (a case started before
    the table existed and missed by the back-fill, or seeded directly into the process)."""
    row = session.get(CaseVisit, instance_id)
    if row is not None:
        return row
    ward, channel, slot = data.get("ward"), data.get("channel"), data.get("slot_start")
    if not ward or channel not in ("booking", "walk_in"):
        return None
    row = CaseVisit(instance_id=instance_id, ward=ward, channel=channel, family=family_of(data))
    if channel == "booking" and isinstance(slot, str):
        start = datetime.fromisoformat(slot).astimezone(JST)
        row.slot_start, row.visit_on = start, start.date()
    else:
        created = session.scalar(select(ProcessInstance.created_at).where(ProcessInstance.id == instance_id))
        row.visit_on = (created.astimezone(JST) if created else now_jst()).date()
    session.add(row)
    session.flush()
    return row


def visit_times(session: Session, instance_id: int) -> tuple[datetime | None, datetime | None]:
    """Check-in and check-out of the case in Asia/Tokyo (None before they happened)."""
    row = session.get(CaseVisit, instance_id)
    if row is None:
        return None, None
    return (row.checked_in_at.astimezone(JST) if row.checked_in_at else None,
            row.checked_out_at.astimezone(JST) if row.checked_out_at else None)


@dataclass(frozen=True)
class CaseSubject:
    """What a worklist row shows of its case: when the family comes and, for roles that may see it, who they are."""

    visit_at: datetime | None
    walk_in: bool
    deceased: str = ""
    applicant: str = ""


_SUBJECT_COLUMNS = (CaseVisit.instance_id, CaseVisit.channel, CaseVisit.slot_start, CaseVisit.checked_in_at)
# Kept statements, sent on the driver (processes/tasks/list_reads.py): they run for every worklist page. Columns,
# not rows: the family column is read only for a reader who may see it, as its stored bytes, decrypted here.
_SUBJECTS = select(*_SUBJECT_COLUMNS).where(CaseVisit.instance_id.in_(bindparam("ids", expanding=True)))
_SUBJECTS_WITH_FAMILY = select(*_SUBJECT_COLUMNS, type_coerce(CaseVisit.family, LargeBinary).label("family")).where(
    CaseVisit.instance_id.in_(bindparam("ids", expanding=True)))


def case_subjects(session: Session, instance_ids, reader: str | None = None) -> dict[int, CaseSubject]:
    """The visit time of each case among `instance_ids` (one query); with `reader` (a user allowed to see personal
    data) also the family's names, each case's read written to the audit log."""
    ids = sorted(set(instance_ids))
    if not ids:
        return {}
    subjects, reads = {}, []
    for row in run_rows(session, _SUBJECTS_WITH_FAMILY if reader else _SUBJECTS, {"ids": ids}):
        names = json.loads(crypto.keyring().decrypt(bytes(row.family))) if reader and row.family else {}
        visit_at = row.slot_start.astimezone(JST) if row.slot_start else (
            row.checked_in_at.astimezone(JST) if row.checked_in_at else None)
        subjects[row.instance_id] = CaseSubject(visit_at, row.channel == "walk_in", names.get("deceased", ""),
                                                names.get("applicant", ""))
        if reader and any(names.values()):
            reads.append(audit.entry(reader, "case.viewed", instance_id=row.instance_id,
                                     detail={"personal_data": True, "via": "worklist"}))
    if reads:   # one audit row per case read, written together: a page of 50 rows is one statement, not 50
        session.connection().execute(INSERT_AUDIT, reads)
    return subjects
