"""What the phone figures take from the call centre's contact records (processes/callcentre, issue #14):
一次完了率 = phone contacts completed in the centre ÷ phone contacts recorded (its outcome rule), and the after-call
work between a call's end and the record being saved."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from processes.callcentre.models import ContactRecord
from processes.callcentre.vocabulary import COMPLETED_IN_CENTRE

PHONE = "phone"


def _phone_contacts(start: datetime, end: datetime, operator: str | None):
    query = (select(ContactRecord.outcome, func.count()).where(
        ContactRecord.channel == PHONE, ContactRecord.deleted_at.is_(None),
        ContactRecord.started_at >= start, ContactRecord.started_at < end).group_by(ContactRecord.outcome))
    return query if operator is None else query.where(ContactRecord.operator == operator)


def first_contact_resolution(session: Session, start: datetime, end: datetime,
                             operator: str | None = None) -> float | None:
    """Share of the period's phone contacts completed in the centre; None when none were recorded."""
    counts = dict(session.execute(_phone_contacts(start, end, operator)).all())
    recorded = sum(counts.values())
    if not recorded:
        return None
    return sum(n for outcome, n in counts.items() if outcome in COMPLETED_IN_CENTRE) / recorded


def after_call_work_from_contacts(session: Session, start: datetime, end: datetime,
                                  operator: str | None = None) -> int:
    query = select(ContactRecord.ended_at, ContactRecord.wrapup_ended_at).where(
        ContactRecord.channel == PHONE, ContactRecord.deleted_at.is_(None), ContactRecord.ended_at.is_not(None),
        ContactRecord.wrapup_ended_at.is_not(None), ContactRecord.started_at >= start, ContactRecord.started_at < end)
    if operator is not None:
        query = query.where(ContactRecord.operator == operator)
    return sum(max(0, int((done - ended).total_seconds())) for ended, done in session.execute(query))
