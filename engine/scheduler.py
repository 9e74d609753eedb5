"""The worker's loop: wake instances whose timers are due. APScheduler runs it on an interval.

Several workers may run at once: waking is guarded by the instance's optimistic version, so a loser of a race
gets TaskConflict and simply skips that instance.
"""
from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .db.types import utcnow
from .errors import OkuyamiError, TaskConflict
from .runtime import WorkflowRuntime

log = logging.getLogger(__name__)
JOB_ID = "okuyami-wake-due-instances"


def wake_due_instances(runtime: WorkflowRuntime, now: datetime | None = None, batch: int = 100) -> int:
    """Fire every timer due at `now`; returns how many instances were woken."""
    woken = 0
    for instance_id in runtime.due_instances(now or utcnow(), limit=batch):
        try:
            runtime.wake(instance_id, actor="worker")
            woken += 1
        except TaskConflict:
            log.info("instance %s was advanced by another process; skipped", instance_id)
        except OkuyamiError:
            log.exception("waking instance %s failed; it stays due and will be retried", instance_id)
    return woken


def make_scheduler(runtime: WorkflowRuntime, interval_seconds: float = 30, background: bool = False):
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="Asia/Tokyo")
    scheduler.add_job(wake_due_instances, "interval", seconds=interval_seconds, args=[runtime], id=JOB_ID,
                      max_instances=1, coalesce=True, next_run_time=utcnow())
    return scheduler
