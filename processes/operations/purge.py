"""The purge: what has outlived its retention period (months per kind, processes/administration/retention.py) is
deleted, and each run is recorded per kind (how many rows, up to which moment; never the data).

Kinds purged here so far: notifications (with their e-mail outbox rows). Call recordings are purged by their own
worker job (processes/calls/recordings.py); the other kinds are listed by `okuyami purge` as not purged yet."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.administration.retention import KINDS, retention_months
from processes.notifications.models import Notification, OutboxMessage
from processes.operations.models import PurgeRecord


@dataclass(frozen=True)
class PurgeResult:
    kind: str
    label: str
    count: int
    up_to: datetime


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def _notifications(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(Notification.id).where(Notification.created_at < up_to)
    count = session.scalar(select(func.count()).select_from(old.subquery())) or 0
    if not dry_run and count:
        session.execute(delete(OutboxMessage).where(OutboxMessage.notification_id.in_(old)))
        session.execute(delete(Notification).where(Notification.created_at < up_to))
    return count


PURGERS = {"notifications": _notifications}


def purge(session: Session, actor: str, dry_run: bool = False, now: datetime | None = None) -> list[PurgeResult]:
    now = now or utcnow()
    results = []
    for kind, purger in PURGERS.items():
        up_to = months_before(now, retention_months(session, kind))
        count = purger(session, up_to, dry_run)
        results.append(PurgeResult(kind, KINDS[kind].label, count, up_to))
        if not dry_run:
            session.add(PurgeRecord(kind=kind, deleted=count, up_to=up_to, at=now, actor=actor))
    session.flush()
    return results


def not_purged_here() -> list[str]:
    return [k.label for kind, k in KINDS.items() if kind not in PURGERS]
