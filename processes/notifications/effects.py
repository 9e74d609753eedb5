"""What a case's service tasks ask to be told to people, collected while the engine runs and acted on by the
caller in the same transaction (engine code never knows about notifications, service handlers never see the
database).

The timer dispatcher wakes each case inside `collecting()`; the service tasks that run during that wake
(`okuyami.notify_overdue`, `okuyami.booking_reminder`) `emit()` an effect, and `escalation.act_on` turns the
collected effects into notifications, outbox e-mail and audit entries before the transaction commits. If the
wake fails, the transaction rolls back and the effects are dropped with it: the timer fires again on retry.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

log = logging.getLogger(__name__)

OVERDUE, ESCALATED, REMINDER = "overdue", "escalated", "reminder"


@dataclass(frozen=True)
class Effect:
    kind: str
    task: str | None = None
    """The overdue task's BPMN id (for overdue and escalated)."""
    details: dict = field(default_factory=dict)
    """In memory only (a reminder carries the family's address to the outbox, which encrypts it)."""


_collected: ContextVar[list[Effect] | None] = ContextVar("okuyami_effects", default=None)


def emit(effect: Effect) -> None:
    collected = _collected.get()
    if collected is None:
        # Outside the dispatcher (a test or a tool advancing a case by hand): the case data still records it.
        log.info("effect %s for task %s raised outside the timer dispatcher: nobody is notified", effect.kind,
                 effect.task)
        return
    collected.append(effect)


@contextmanager
def collecting() -> Iterator[list[Effect]]:
    effects: list[Effect] = []
    token = _collected.set(effects)
    try:
        yield effects
    finally:
        _collected.reset(token)
