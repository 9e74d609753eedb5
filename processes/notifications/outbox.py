"""E-mail waiting to be sent. A row is written in the transaction that decided to send it and sent after that
transaction committed, by whichever worker claims it; a send that fails is tried again later (backing off up to an
hour), so a notification is never lost to a restart or an SMTP outage.

A claim pushes `next_attempt_at` forward by a lease in a short transaction (PostgreSQL skips rows another worker
is claiming, SQLite serialises writers): if the sender dies mid-send, the row comes back when the lease ends. An
e-mail may then go out twice, never zero times. Only a permanent refusal of the address (SMTP 5xx for the
recipient) ends in FAILED, kept for the administrator.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.session import Database
from engine.db.types import utcnow
from processes.notifications.models import FAILED, PENDING, SENT, OutboxMessage

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)

Send = Callable[[str, str, str], None]
"""(recipient, subject, body): raises on failure."""


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def enqueue(session: Session, recipient: str, subject: str, body: str, *, instance_id: int | None = None,
            notification_id: int | None = None) -> OutboxMessage:
    row = OutboxMessage(recipient=recipient.encode("utf-8"), subject=subject[:200], body=body.encode("utf-8"),
                        state=PENDING, attempts=0, next_attempt_at=utcnow(), created_at=utcnow(),
                        instance_id=instance_id, notification_id=notification_id)
    session.add(row)
    return row


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _claim(database: Database, now: datetime, batch: int) -> list[tuple[int, str, str, str, int]]:
    with database.transaction() as s:
        query = (select(OutboxMessage).where(OutboxMessage.state == PENDING, OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(batch))
        if database.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(s.scalars(query))
        for row in rows:
            row.next_attempt_at = now + LEASE
            row.attempts += 1
        return [(r.id, r.recipient.decode("utf-8"), r.subject, r.body.decode("utf-8"), r.attempts) for r in rows]


def _describe(exc: Exception) -> str:
    """What went wrong, without the address (SMTP replies often quote it)."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _ in exc.recipients.values()})
        return f"SMTPRecipientsRefused {codes}"
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    return False


def dispatch(database: Database, send: Send, now: datetime | None = None, batch: int = 50) -> DispatchResult:
    """Send every due message; returns what happened."""
    now = now or utcnow()
    sent = retrying = failed = 0
    while claimed := _claim(database, now, batch):
        for message_id, recipient, subject, body, attempts in claimed:
            try:
                send(recipient, subject, body)
            except Exception as exc:  # noqa: BLE001 - any failure leaves the message for a later attempt
                permanent = _permanent(exc)
                log.warning("e-mail %s attempt %s failed: %s%s", message_id, attempts, _describe(exc),
                            " (permanent)" if permanent else "")
                with database.transaction() as s:
                    row = s.get(OutboxMessage, message_id)
                    row.last_error = _describe(exc)[:500]
                    if permanent:
                        row.state, failed = FAILED, failed + 1
                    else:
                        row.next_attempt_at, retrying = utcnow() + backoff(attempts), retrying + 1
                continue
            with database.transaction() as s:
                row = s.get(OutboxMessage, message_id)
                row.state, row.sent_at, row.last_error = SENT, utcnow(), None
            sent += 1
        if len(claimed) < batch:
            break
    return DispatchResult(sent, retrying, failed)

