"""The open tasks of one instance as a case page shows them: a few columns read through the driver, not ORM
objects (a case is read about ten times for each step it takes). Sorted here, by due time then id, so that the
database finds them by instance and never walks an index of every open task in due order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..db.driver import all_rows
from .human_tasks import READY
from .statements import human_tasks

_OPEN_TASKS = select(
    human_tasks.c.id, human_tasks.c.instance_id, human_tasks.c.spec_name, human_tasks.c.title, human_tasks.c.role,
    human_tasks.c.ward, human_tasks.c.department, human_tasks.c.state, human_tasks.c.assignee, human_tasks.c.form,
    human_tasks.c.due_at, human_tasks.c.created_at,
).where(human_tasks.c.instance_id == bindparam("instance_id"), human_tasks.c.state == bindparam("state"))


@dataclass(frozen=True)
class OpenTask:
    id: int
    instance_id: int
    spec_name: str
    title: str
    role: str | None
    ward: str | None
    department: str | None
    state: str
    assignee: str | None
    form: str | None
    due_at: datetime | None
    created_at: datetime | None


def _utc(value: datetime | None) -> datetime | None:
    """As the UTCDateTime column type returns it (the driver's values do not pass through it)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def open_tasks(session: Session, instance_id: int) -> list[OpenTask]:
    """The instance's READY tasks, the earliest due first (those without a due time last), then by id."""
    rows = all_rows(session.connection(), _OPEN_TASKS, {"instance_id": instance_id, "state": READY})
    tasks = [OpenTask(*row[:10], _utc(row[10]), _utc(row[11])) for row in rows]
    tasks.sort(key=lambda t: (t.due_at is None, t.due_at or 0, t.id))
    return tasks
