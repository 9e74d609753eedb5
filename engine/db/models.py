"""The runtime's tables. Personal data only ever sits inside encrypted columns."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .types import EncryptedBytes, UTCDateTime, utcnow


class ModelFile(Base):
    """One deployed version of one BPMN or DMN file, stored once per content hash."""

    __tablename__ = "model_files"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    """Not unique: reverting a file to earlier content deploys it again as a new version."""
    content: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")


class ProcessVersion(Base):
    """A runnable version of one process: its parsed spec (once, not per instance) and the files it came from."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    spec: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    file_ids: Mapped[list] = mapped_column(JSON)
    lane_roles: Mapped[dict] = mapped_column(JSON)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    __table_args__ = (
        Index("ix_process_instances_wake_at", "wake_at", postgresql_where=text("wake_at IS NOT NULL"),
              sqlite_where=text("wake_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    workflow: Mapped[bytes] = mapped_column(EncryptedBytes, deferred=True)
    case_data: Mapped[bytes | None] = mapped_column(EncryptedBytes, deferred=True, nullable=True)
    """The case's current data as of this row_version (compressed JSON), written with the workflow at each step
    (engine/runtime/case_data.py): read instead of decoding the workflow. NULL: read it from the workflow."""
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    """Optimistic lock: every write is `UPDATE ... WHERE row_version = <the version read>` and increments it."""
    ward: Mapped[str | None] = mapped_column(String(32), index=True)
    wake_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    process_version: Mapped[ProcessVersion] = relationship()


class HumanTask(Base):
    """Query table beside the workflow blob: what people see in their worklists."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_open_by_role", "role", "due_at", "id",
              postgresql_where=text("state = 'READY'"), sqlite_where=text("state = 'READY'")),
        Index("ix_human_tasks_open_by_assignee", "assignee", "due_at", "id",
              postgresql_where=text("state = 'READY'"), sqlite_where=text("state = 'READY'")),
        # The completed-tasks tab: a role's history, newest first (most rows of the table are completed ones).
        Index("ix_human_tasks_completed_by_role", "role", "completed_at", "id",
              postgresql_where=text("state = 'COMPLETED'"), sqlite_where=text("state = 'COMPLETED'")),
        # A person's own scope (dept_staff: role, ward, department; counter: role, ward): each worklist tab and
        # its count from the index alone, at a country's size (migration 0023).
        Index("ix_human_tasks_open_by_scope", "role", "ward", "department", "assignee", "due_at", "id",
              postgresql_where=text("state = 'READY'"), sqlite_where=text("state = 'READY'")),
        Index("ix_human_tasks_completed_by_scope", "role", "ward", "department", "completed_at", "id",
              postgresql_where=text("state = 'COMPLETED'"), sqlite_where=text("state = 'COMPLETED'")),
        Index("ix_human_tasks_completed", "completed_at", "id",
              postgresql_where=text("state = 'COMPLETED'"), sqlite_where=text("state = 'COMPLETED'")),
        # The first page in due order of a supervisor's overdue tab (every scope) and of the group tabs (unclaimed:
        # a supervisor's, an operator's), without sorting every open task (migration 0025).
        Index("ix_human_tasks_open_by_due", "due_at", "id",
              postgresql_where=text("state = 'READY'"), sqlite_where=text("state = 'READY'")),
        Index("ix_human_tasks_unclaimed_by_due", "due_at", "id",
              postgresql_where=text("state = 'READY' AND assignee IS NULL"),
              sqlite_where=text("state = 'READY' AND assignee IS NULL")),
        Index("ix_human_tasks_unclaimed_by_role", "role", "due_at", "id",
              postgresql_where=text("state = 'READY' AND assignee IS NULL"),
              sqlite_where=text("state = 'READY' AND assignee IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    spec_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str | None] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(32))
    ward: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(100))


class Timer(Base):
    """Query table beside the workflow blob: one row per waiting BPMN timer, fired by the scheduler under a lease.

    A timer whose task stops waiting without firing (the activity completed, the booking moved, the case was
    cancelled) becomes CANCELLED; rows are never deleted, so what fired when stays visible."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timers_waiting_due", "due_at", "id",
              postgresql_where=text("state = 'WAITING'"), sqlite_where=text("state = 'WAITING'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    """The waiting timer event's task in the workflow."""
    event_name: Mapped[str] = mapped_column(String(200))
    event_kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When it fired, or when it was cancelled."""
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The claiming worker's lease: another worker may claim the timer again once it has passed."""


class AuditEntry(Base):
    """Append-only: the migration installs triggers that refuse UPDATE and DELETE on every backend."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    before_digest: Mapped[str | None] = mapped_column(String(64))
    after_digest: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    ward: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
