"""Tasks as the case page and the task view show them: the shown columns read through the driver, not ORM objects
(a case is read about ten times for each step it takes). A case's open tasks are sorted here, by due time then id,
so that the database finds them by instance and never walks an index of every open task in due order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..db.driver import all_rows
from .human_tasks import READY
from .statements import INSTANCE_COLUMNS, human_tasks, instances

_SHOWN = (human_tasks.c.id, human_tasks.c.instance_id, human_tasks.c.spec_name, human_tasks.c.title,
          human_tasks.c.role, human_tasks.c.ward, human_tasks.c.department, human_tasks.c.state,
          human_tasks.c.assignee, human_tasks.c.form, human_tasks.c.due_at, human_tasks.c.created_at,
          human_tasks.c.task_id)
_OPEN_TASKS = select(*_SHOWN).where(human_tasks.c.instance_id == bindparam("instance_id"),
                                    human_tasks.c.state == bindparam("state"))
SHOWN_TASK_AND_INSTANCE = (select(*_SHOWN, *INSTANCE_COLUMNS)
                           .join(instances, instances.c.id == human_tasks.c.instance_id)
                           .where(human_tasks.c.id == bindparam("task_ref")))
SHOWN_COLUMNS = len(_SHOWN)


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
    task_id: str
    """The workflow's id of the task."""


def _utc(value: datetime | None) -> datetime | None:
    """As the UTCDateTime column type returns it (the driver's values do not pass through it)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def shown_task(row: tuple) -> OpenTask:
    """An OpenTask from a row of the shown columns (SHOWN_TASK_AND_INSTANCE's first SHOWN_COLUMNS)."""
    return OpenTask(*row[:10], _utc(row[10]), _utc(row[11]), row[12])


def open_tasks(session: Session, instance_id: int) -> list[OpenTask]:
    """The instance's READY tasks, the earliest due first (those without a due time last), then by id."""
    rows = all_rows(session.connection(), _OPEN_TASKS, {"instance_id": instance_id, "state": READY})
    tasks = [shown_task(row) for row in rows]
    tasks.sort(key=lambda t: (t.due_at is None, t.due_at or 0, t.id))
    return tasks
