"""Waiting BPMN timers: their due times, and the timers query table kept in step with the workflow.

Like the human-task table, the diff is computed in memory (the waiting timers when the workflow was loaded
and after the operation), so keeping the table in step costs no read (the rows go out with the step).
A timer whose task stops waiting is FIRED when its task ran (or, for a cycle, when it was due at the moment
of the operation) and CANCELLED otherwise: a rebooked visit moves its deadlines, it does not fire them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from .task_lookup import find_task

_TIMER_EVENTS = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}
WAITING, FIRED, CANCELLED = "WAITING", "FIRED", "CANCELLED"
_RAN = TaskState.READY | TaskState.STARTED | TaskState.COMPLETED


@dataclass(frozen=True)
class WaitingTimer:
    name: str
    kind: str
    due_at: datetime


def _due(value) -> datetime | None:
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due = TimerEventDefinition.get_datetime(value)
    except (ValueError, TypeError):
        return None
    return due if due.tzinfo else due.replace(tzinfo=timezone.utc)


def event_due(event) -> datetime | None:
    """The due time of one pending event (`waiting_events()` item or `task_spec.event_definition.details(task)`)."""
    return _due(event.value) if event.event_type in _TIMER_EVENTS else None


def _pending_timer(task) -> tuple[object, datetime] | None:
    """The task's pending timer event and due time. An event-based gateway waits on a MultipleEventDefinition
    (its timer keeps its due time in the gateway task's data), which `details()` does not describe."""
    definition = task.task_spec.event_definition
    for candidate in (definition, *getattr(definition, "event_definitions", ())):
        event = candidate.details(task)
        due = event_due(event)
        if due is not None:
            return event, due
    return None


def waiting_timers(workflow) -> dict[str, WaitingTimer]:
    """The workflow's waiting timer events by task id (what `waiting_events()` lists, with the task)."""
    found = {}
    for task_id, task in workflow.event_manager.tasks.items():
        pending = _pending_timer(task)
        if pending is not None:
            event, due = pending
            found[str(task_id)] = WaitingTimer(event.name or task.task_spec.bpmn_id or task.task_spec.name,
                                               event.event_type, due)
    return found


def next_wake(timers: Mapping[str, WaitingTimer]) -> datetime | None:
    """When the instance next needs waking: the earliest due time among its waiting timers."""
    return min((t.due_at for t in timers.values()), default=None)


def _closed_state(workflow, task_id: str, timer: WaitingTimer, now: datetime) -> str:
    task = find_task(workflow, task_id)
    if task is None:
        return CANCELLED
    if getattr(task.task_spec.event_definition, "event_definitions", None) is not None:
        # An event-based gateway also runs when a message wins the race: only a timer it saw counts as fired.
        seen = task.internal_data.get("seen_events") or []
        return FIRED if any(isinstance(e.event_definition, TimerEventDefinition) for e in seen) else CANCELLED
    if task.state & _RAN or (task.state == TaskState.WAITING and timer.due_at <= now):
        return FIRED
    return CANCELLED


def timer_changes(workflow, before: Mapping[str, WaitingTimer], after: Mapping[str, WaitingTimer],
                  now: datetime) -> tuple[list[dict], list[dict]]:
    """The rows to close (timers no longer waiting, or waiting for another time) and the rows to insert (new
    ones), without the instance id: step_write adds it and sends them with the rest of the step."""
    closing = [{"b_task_id": task_id, "state": _closed_state(workflow, task_id, timer, now), "fired_at": now}
               for task_id, timer in before.items() if after.get(task_id) != timer]
    rows = [{"task_id": task_id, "event_name": timer.name[:200], "event_kind": timer.kind[:40],
             "due_at": timer.due_at, "state": WAITING, "created_at": now, "fired_at": None, "claimed_by": None,
             "claimed_until": None}
            for task_id, timer in after.items() if before.get(task_id) != timer]
    return closing, rows


def fired(closing: list[dict]) -> int:
    """How many of the closed timers fired."""
    return sum(1 for row in closing if row["state"] == FIRED)
