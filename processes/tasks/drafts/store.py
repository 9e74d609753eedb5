"""Saving, restoring and discarding task drafts, in the caller's transaction."""
from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.db.types import utcnow
from processes.tasks.drafts.models import TaskDraft


def save_draft(session: Session, task_id: int, username: str, values: dict) -> None:
    """Replace the person's draft of the task with `values` (a JSON object of the form's fields)."""
    payload = json.dumps(values, ensure_ascii=False).encode("utf-8")
    draft = session.scalars(select(TaskDraft).where(TaskDraft.task_id == task_id,
                                                    TaskDraft.username == username)).first()
    if draft is None:
        session.add(TaskDraft(task_id=task_id, username=username, data=payload, saved_at=utcnow()))
    else:
        draft.data, draft.saved_at = payload, utcnow()
    session.flush()


def load_draft(session: Session, task_id: int, username: str) -> TaskDraft | None:
    return session.scalars(select(TaskDraft).where(TaskDraft.task_id == task_id,
                                                   TaskDraft.username == username)).first()


def draft_values(draft: TaskDraft) -> dict:
    return json.loads(draft.data.decode("utf-8"))


def discard_drafts(session: Session, task_id: int) -> int:
    """Every person's draft of the task (when it is completed or cancelled: a draft of a closed task is useless
    personal data). Returns how many were deleted."""
    return session.execute(delete(TaskDraft).where(TaskDraft.task_id == task_id)
                           .execution_options(synchronize_session=False)).rowcount


def discard_closed_drafts(session: Session) -> int:
    """Every draft whose task is no longer open (cancelled, or completed on another screen): the worker's pass,
    so that opening a closed task's form only reads. Returns how many were deleted."""
    open_tasks = select(HumanTask.id).where(HumanTask.state == "READY")
    return session.execute(delete(TaskDraft).where(TaskDraft.task_id.not_in(open_tasks))
                           .execution_options(synchronize_session=False)).rowcount
