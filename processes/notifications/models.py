"""Tables of processes.notifications (registered in pyproject.toml's okuyami.models entry points).

- `notifications`: the bell. One row per person and event; the text names the case number and the task, never a
  person (it is shown on every page header and may be read over a shoulder).
- `notification_outbox`: e-mail waiting to be sent. Written in the transaction that decided to notify, sent after
  it committed, retried until the SMTP server took it; recipient and body are encrypted (a family's address).
- `notification_addresses`: where a member of staff wants e-mail (a work address; none means in-app only).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow

PENDING, SENT, FAILED = "PENDING", "SENT", "FAILED"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_unread", "recipient", "id", postgresql_where=text("read_at IS NULL"),
              sqlite_where=text("read_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    """A username."""
    kind: Mapped[str] = mapped_column(String(40))
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    human_task_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(300))
    """A path inside the staff application."""
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (
        Index("ix_notification_outbox_pending", "next_attempt_at", "id", postgresql_where=text("state = 'PENDING'"),
              sqlite_where=text("state = 'PENDING'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    recipient: Mapped[bytes] = mapped_column(EncryptedBytes)
    subject: Mapped[str] = mapped_column(String(200))
    """Never personal data: at most the case number."""
    body: Mapped[bytes] = mapped_column(EncryptedBytes)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When it may be tried (again); a claim pushes it forward by the lease, so a dead sender's rows come back."""
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationAddress(Base):
    __tablename__ = "notification_addresses"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
