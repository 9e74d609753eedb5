"""Today so far, for the supervisor's dashboard: calls waiting now, the longest wait, the day's figures by hour and
the days of the month so far."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.calendar.slots import JST
from processes.calls.models import Call
from processes.calls.statistics import Period, by_day, statistics

STALE_AFTER = timedelta(hours=2)
"""A call still 'waiting' after this long lost its closing event: not shown as waiting."""


def waiting_now(session: Session, now: datetime) -> tuple[int, int]:
    """(calls waiting in the queue now, longest wait in seconds)."""
    entered = session.scalars(select(Call.entered_at).where(
        Call.outcome.is_(None), Call.answered_at.is_(None), Call.entered_at > now - STALE_AFTER,
        Call.entered_at <= now)).all()
    longest = max((int((now - at).total_seconds()) for at in entered), default=0)
    return len(entered), longest


def today(session: Session, now: datetime | None = None) -> dict:
    now = now or utcnow()
    day = now.astimezone(JST).date()
    waiting, longest = waiting_now(session, now)
    figures = statistics(session, Period(day, day))
    return {"now": now, "date": day, "waiting": waiting, "longest_wait_s": longest, "figures": figures,
            "month": by_day(session, Period(day.replace(day=1), day))}
