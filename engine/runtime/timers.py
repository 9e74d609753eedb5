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


def next_wake(workflow) -> datetime | None:
    dues = [_due(event.value) for event in workflow.waiting_events() if event.event_type in _TIMER_EVENTS]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None
