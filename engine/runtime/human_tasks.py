"""Keeps the human-task query table in step with the workflow, in the caller's transaction.

The diff is computed in memory (the READY user tasks before and after the operation), so keeping the table
in step costs one statement per kind of change and no read.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Mapping

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..registry.checks import DEPARTMENT_PROPERTY, FORM_PROPERTY
from .instance_store import LoadedInstance
from .statements import CLOSE_HUMAN_TASKS, INSERT_HUMAN_TASKS
from .task_lookup import find_task
from .timers import event_due

READY, COMPLETED, CANCELLED = "READY", "COMPLETED", "CANCELLED"

DeadlinePolicy = Callable[[Mapping[str, str], dict, Session], "datetime | None"]
"""A user task's deadline from its extension properties and its data, for a task the model gives no deadline
timer (the application decides what the properties mean: business days from a visit, a live DMN decision read
in the operation's session...)."""
log = logging.getLogger(__name__)


def ready_user_tasks(workflow) -> dict[str, object]:
    """READY user and manual tasks of the workflow and its subprocesses (a plain scan: SpiffWorkflow's task
    iterator costs several times more, and this runs twice per operation)."""
    found = {}
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.tasks.values():
            if task.state == TaskState.READY and task.task_spec.manual:
                found[str(task.id)] = task
    return found


def _properties(task) -> dict:
    return (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})


def _due_at(task) -> datetime | None:
    """A deadline modelled as a timer boundary event on the task (or, for one instance of a multi-instance
    task, on the multi-instance task): when the earliest such timer fires."""
    for host in (task, task.parent):
        siblings = host.parent.children if host is not None and host.parent is not None else []
        dues = [event_due(t.task_spec.event_definition.details(t)) for t in siblings
                if t is not host and isinstance(t.task_spec, BoundaryEvent) and t.state == TaskState.WAITING]
        due = min((d for d in dues if d is not None), default=None)
        if due is not None:
            return due
    return None


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


def _policy_due(session: Session, task, policy: DeadlinePolicy | None) -> datetime | None:
    if policy is None:
        return None
    try:
        return policy(_properties(task), task.data, session)
    except Exception:  # noqa: BLE001 - a deadline that cannot be computed must not stop the case
        log.warning("deadline rule of task %s could not be evaluated", task.task_spec.name, exc_info=True)
        return None


def sync_human_tasks(session: Session, instance: LoadedInstance, workflow, ready_before: dict[str, object],
                     now: datetime, actor: str, deadline_policy: DeadlinePolicy | None = None) -> list[int]:
    """Close the rows of tasks no longer READY, insert rows for new READY tasks; returns the new rows' ids."""
    ready_after = ready_user_tasks(workflow)
    closed = [task_id for task_id in ready_before if task_id not in ready_after]
    finished = [t for t in closed if (task := find_task(workflow, t)) is not None and task.state == TaskState.COMPLETED]
    dropped = [t for t in closed if t not in finished]
    connection = session.connection()
    closing = [{"b_instance_id": instance.id, "b_task_id": task_id, "state": state, "completed_at": now,
                "completed_by": by}
               for task_ids, state, by in ((finished, COMPLETED, actor), (dropped, CANCELLED, None))
               for task_id in task_ids]
    if closing:
        connection.execute(CLOSE_HUMAN_TASKS, closing)
    lane_roles = instance.version.lane_roles or {}
    rows = []
    for task_id, task in ready_after.items():
        if task_id in ready_before:
            continue
        spec = task.task_spec
        rows.append({"instance_id": instance.id, "task_id": task_id,
                     "spec_name": getattr(spec, "bpmn_id", None) or spec.name,
                     "title": getattr(spec, "bpmn_name", None) or spec.name,
                     "form": _properties(task).get(FORM_PROPERTY), "lane": spec.lane,
                     "role": lane_roles.get(spec.lane), "ward": instance.ward, "department": _department(task),
                     "state": READY, "assignee": None,
                     "due_at": _due_at(task) or _policy_due(session, task, deadline_policy), "created_at": now})
    if not rows:
        return []
    return list(connection.execute(INSERT_HUMAN_TASKS, rows).scalars())
