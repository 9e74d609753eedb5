"""Keeps the human-task query table in step with the workflow, in the caller's transaction.

The diff is computed in memory (the READY user tasks before and after the operation), so keeping the table
in step costs no read; the rows are written with the rest of the step (step_write).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Mapping

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from ..registry.checks import DEPARTMENT_PROPERTY, FORM_PROPERTY
from ..registry.versions import VersionInfo
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


def human_task_changes(session: Session, version: VersionInfo, ward: str | None, workflow,
                       ready_before: dict[str, object], now: datetime, actor: str,
                       deadline_policy: DeadlinePolicy | None = None) -> tuple[list[dict], list[dict]]:
    """The rows to close (tasks no longer READY) and the rows to insert (new READY tasks), without the instance
    id: step_write adds it and sends them with the rest of the step."""
    ready_after = ready_user_tasks(workflow)
    closing = []
    for task_id in ready_before:
        if task_id in ready_after:
            continue
        task = find_task(workflow, task_id)
        finished = task is not None and task.state == TaskState.COMPLETED
        closing.append({"b_task_id": task_id, "state": COMPLETED if finished else CANCELLED, "completed_at": now,
                        "completed_by": actor if finished else None})
    lane_roles = version.lane_roles or {}
    rows = []
    for task_id, task in ready_after.items():
        if task_id in ready_before:
            continue
        spec = task.task_spec
        rows.append({"task_id": task_id, "spec_name": getattr(spec, "bpmn_id", None) or spec.name,
                     "title": getattr(spec, "bpmn_name", None) or spec.name,
                     "form": _properties(task).get(FORM_PROPERTY), "lane": spec.lane,
                     "role": lane_roles.get(spec.lane), "ward": ward, "department": _department(task),
                     "state": READY, "assignee": None,
                     "due_at": _due_at(task) or _policy_due(session, task, deadline_policy), "created_at": now})
    return closing, rows
