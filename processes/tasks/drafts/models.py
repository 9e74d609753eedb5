"""Tables of processes.tasks.drafts (registered in pyproject.toml's okuyami.models entry points)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow


class TaskDraft(Base):
    """A task form saved half-filled by one person. The form holds names and addresses, so it is encrypted."""

    __tablename__ = "task_drafts"
    __table_args__ = (UniqueConstraint("task_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    """The human task (human_tasks.id) the draft belongs to."""
    username: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(EncryptedBytes)
    """The form's values as JSON, encrypted."""
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
