"""The call an operator is on now, as the phone system reported it: the call screen takes its call id and the moment
it was answered, so the operator never types them and the contact record links to the exchange's call."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from processes.callcentre.models import ContactRecord
from processes.calls.models import Call

RECENT = timedelta(hours=2)
"""A call answered longer ago than this is not the one on the line now."""
LONGEST_QUEUE = timedelta(hours=2)
"""No caller waits longer than this in the queue (an exchange gives up on one long before): a call answered within
RECENT entered within RECENT and this, which lets the query read the last hours' calls by the moment they entered."""
WRAP_UP = timedelta(minutes=30)
"""A call that ended within this time is still being written up (after-call work)."""


def current_call(session: Session, agent: str, now: datetime) -> Call | None:
    """The latest call this operator answered that is still on the line or just ended, and that no contact record
    names yet (None when the exchange reported none)."""
    recorded = exists().where(ContactRecord.call_id == Call.call_id, ContactRecord.deleted_at.is_(None))
    return session.scalars(
        select(Call).where(Call.entered_at > now - RECENT - LONGEST_QUEUE, Call.agent == agent,
                           Call.answered_at.is_not(None), Call.answered_at > now - RECENT,
                           Call.answered_at <= now, (Call.ended_at.is_(None)) | (Call.ended_at > now - WRAP_UP),
                           ~recorded)
        .order_by(Call.answered_at.desc()).limit(1)).first()
