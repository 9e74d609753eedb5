"""Keeps the human-task query table in step with the workflow, in the caller's transaction."""
from __future__ import annotations

from datetime import datetime
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import HumanTask, ProcessInstance
from ..registry.checks import FORM_PROPERTY

READY, COMPLETED, CANCELLED = "READY", "COMPLETED", "CANCELLED"


def _properties(task) -> dict:
    return (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})


def sync_human_tasks(session: Session, instance: ProcessInstance, workflow, now: datetime, actor: str) -> list[HumanTask]:
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.state == READY)).all()
    for row in open_rows:
        if row.task_id in ready:
            continue
        task = workflow.get_task_from_id(UUID(row.task_id))
        finished = task is not None and task.state == TaskState.COMPLETED
        row.state = COMPLETED if finished else CANCELLED
        row.completed_at = now
        row.completed_by = actor if finished else None
    known = {row.task_id for row in open_rows}
    created = []
    lane_roles = instance.process_version.lane_roles or {}
    for task_id, task in ready.items():
        if task_id in known:
            continue
        spec = task.task_spec
        row = HumanTask(instance_id=instance.id, task_id=task_id, spec_name=getattr(spec, "bpmn_id", None) or spec.name,
                        title=getattr(spec, "bpmn_name", None) or spec.name, form=_properties(task).get(FORM_PROPERTY),
                        lane=spec.lane, role=lane_roles.get(spec.lane), ward=instance.ward, state=READY,
                        created_at=now)
        session.add(row)
        created.append(row)
    return created
