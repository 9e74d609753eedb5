"""The bell: creating a person's notifications (with their e-mail, when they have an address) and reading them.
Every function works in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.notifications.models import Notification, NotificationAddress
from processes.notifications.outbox import enqueue

PAGE_SIZE = 50


def address_of(session: Session, username: str) -> str | None:
    row = session.get(NotificationAddress, username)
    return row.email if row is not None else None


def set_address(session: Session, username: str, email: str | None) -> None:
    """Where `username` gets e-mail; None or "" stops e-mail (the bell stays)."""
    row = session.get(NotificationAddress, username)
    if not email:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(NotificationAddress(username=username, email=email, updated_at=utcnow()))
    else:
        row.email, row.updated_at = email, utcnow()


def notify(session: Session, recipient: str, kind: str, title: str, *, body: str = "", link: str | None = None,
           instance_id: int | None = None, human_task_id: int | None = None, due_at: datetime | None = None,
           mail: tuple[str, str] | None = None) -> Notification:
    """A notification for `recipient`; `mail` = (subject, body) also e-mails it to their address, if any."""
    row = Notification(recipient=recipient, kind=kind, title=title[:300], body=body, link=link,
                       instance_id=instance_id, human_task_id=human_task_id, due_at=due_at, created_at=utcnow())
    session.add(row)
    session.flush()
    address = address_of(session, recipient) if mail else None
    if address:
        enqueue(session, address, mail[0], mail[1], instance_id=instance_id, notification_id=row.id)
    return row


def unread_count(session: Session, username: str) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.recipient == username, Notification.read_at.is_(None))) or 0


def recent(session: Session, username: str, unread_only: bool = False, limit: int = PAGE_SIZE) -> list[Notification]:
    query = select(Notification).where(Notification.recipient == username)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, username: str, notification_id: int) -> Notification | None:
    """Marks one of `username`'s own notifications read; None if it is not theirs (or does not exist)."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient != username:
        return None
    if row.read_at is None:
        row.read_at = utcnow()
    return row


def mark_all_read(session: Session, username: str) -> int:
    result = session.execute(update(Notification)
                             .where(Notification.recipient == username, Notification.read_at.is_(None))
                             .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount or 0
