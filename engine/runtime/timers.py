"""When an instance next needs waking: the earliest due time among its waiting timer events."""
from __future__ import annotations

from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_TIMER_EVENTS = {"TimeDateEventDefinition", "DurationTimerEventDefinition", "CycleTimerEventDefinition"}


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


def next_wake(workflow) -> datetime | None:
    dues = [d for d in map(event_due, workflow.waiting_events()) if d is not None]
    return min(dues) if dues else None
