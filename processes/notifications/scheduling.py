"""The timer dispatcher with this city's notifications wired in: what `okuyami worker`, `okuyami timers run-due`
and the demo's `okuyami serve` run. Each pass fires the due timers (notifications written in the same
transaction as the fired timer) and then sends the e-mail waiting in the outbox."""
from __future__ import annotations

import logging
from datetime import datetime

from engine import scheduler as engine_scheduler
from processes.notifications.escalation import wake_hook
from processes.notifications.mailer import mailer_for
from processes.notifications.outbox import DispatchResult, dispatch

log = logging.getLogger(__name__)


def send_outbox(platform) -> DispatchResult:
    mailer = mailer_for(platform.settings)
    if mailer is None:
        return DispatchResult()
    result = dispatch(platform.database, mailer)
    if result.sent or result.retrying or result.failed:
        log.info("e-mail: %s sent, %s to retry, %s refused", result.sent, result.retrying, result.failed)
    return result


def fire_due_timers(platform, now: datetime | None = None) -> int:
    return engine_scheduler.fire_due_timers(platform.runtime, now, wake_hook=wake_hook(platform.settings),
                                            after_pass=lambda: send_outbox(platform))


def make_scheduler(platform, interval_seconds: float = 30, background: bool = False):
    return engine_scheduler.make_scheduler(platform.runtime, interval_seconds, background,
                                           wake_hook=wake_hook(platform.settings),
                                           after_pass=lambda: send_outbox(platform))
