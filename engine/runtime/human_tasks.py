"""Keeps the human-task query table in step with the workflow, in the caller's transaction."""
from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import HumanTask, ProcessInstance
from ..registry.checks import DEPARTMENT_PROPERTY, FORM_PROPERTY
from .timers import event_due

READY, COMPLETED, CANCELLED = "READY", "COMPLETED", "CANCELLED"
log = logging.getLogger(__name__)


def _properties(task) -> dict:
    return (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})


def _due_at(task) -> datetime | None:
    """A deadline modelled as a timer boundary event on the task: when the earliest such timer fires."""
    siblings = task.parent.children if task.parent is not None else []
    dues = [event_due(t.task_spec.event_definition.details(t)) for t in siblings
            if t is not task and isinstance(t.task_spec, BoundaryEvent) and t.state == TaskState.WAITING]
    return min((d for d in dues if d is not None), default=None)


def _department(task) -> str | None:
    """The department a task belongs to, from the user task's `department` property: an expression on its data
    (a multi-instance pre-check names the department of each instance)."""
    expression = _properties(task).get(DEPARTMENT_PROPERTY)
    if not expression:
        return None
    try:
        value = task.workflow.script_engine.evaluate(task, expression)
    except Exception:  # noqa: BLE001 - a task without a department still belongs in its role's worklist
        log.warning("department expression of task %s could not be evaluated", task.task_spec.name)
        return None
    return str(value) if value else None


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
                        department=_department(task), due_at=_due_at(task), created_at=now)
        session.add(row)
        created.append(row)
    return created
