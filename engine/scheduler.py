"""The timer dispatcher: fire due BPMN timers, each exactly once, with any number of workers. APScheduler runs a
pass on an interval; the first pass runs at start, which is also the catch-up after downtime.

A pass:
1. claims a batch of due timers (`timers.state = 'WAITING' AND due_at < now`, no live lease) in a short
   transaction: PostgreSQL skips rows another worker is claiming (`FOR UPDATE SKIP LOCKED`), SQLite serialises
   writers with BEGIN IMMEDIATE. A claim is a lease (`claimed_by`, `claimed_until`): if the worker dies, another
   one claims the timer again once the lease has run out.
2. for each instance with claimed timers, in one transaction: load it, `refresh_timers()`,
   `do_engine_steps()`, save (`WorkflowRuntime.wake`). The save marks the fired timers FIRED in that same
   transaction, guarded by the instance's optimistic row_version: if two workers ever wake the same instance,
   one commits and the other gets TaskConflict or finds nothing due, so a timer can never fire twice.

Timers fire by the real clock: SpiffWorkflow compares them with `datetime.now(timezone.utc)` (strictly: a timer
fires once the clock has passed its due time, so the claim uses `due_at < now` too). A pass given an earlier
`now` (replaying a missed window) claims only the timers due by then; an instance it wakes fires whatever of its
timers is due by the real clock. A `now` later than the real clock is refused: it could claim timers that
SpiffWorkflow would not fire.

Instances saved before the timers table existed (migration 0003) have no rows: a pass also wakes running
instances whose `wake_at` is due and that have no timers rows at all; that save writes their rows.

A `wake_hook(session, instance_id)` (a context manager factory) wraps each wake inside its transaction: what the
fired timers' service tasks asked for (notifications, e-mail in an outbox) is written in that same transaction, so
it commits with the fired timer or not at all. `after_pass()` runs once a pass has committed (sending that e-mail).
"""
from __future__ import annotations

import logging
import os
import socket
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db.models import ProcessInstance, Timer
from .db.types import utcnow
from .errors import OkuyamiError, TaskConflict
from .runtime import WorkflowRuntime
from .runtime.statements import CLAIM_TIMERS, UNTRACKED_DUE_INSTANCES

log = logging.getLogger(__name__)
JOB_ID = "okuyami-fire-due-timers"
LEASE = timedelta(minutes=5)
CLOCK_TOLERANCE = timedelta(seconds=1)
WakeHook = Callable[[Session, int], AbstractContextManager]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due_timers(runtime: WorkflowRuntime, now: datetime, batch: int, worker: str,
                     lease: timedelta = LEASE) -> dict[int, list[int]]:
    """Claim up to `batch` due timers for `worker`; returns their ids by instance, earliest due first."""
    clock = utcnow()
    with runtime.db.transaction() as s:
        rows = s.connection().execute(CLAIM_TIMERS, {"now": now, "lease_now": clock, "batch": batch,
                                                     "worker": worker, "claimed_until": clock + lease}).all()
    claimed: dict[int, list[int]] = defaultdict(list)
    for timer_id, instance_id, _due in sorted(rows, key=lambda r: (r[2], r[0])):
        claimed[instance_id].append(timer_id)
    return claimed


def fire_due_timers(runtime: WorkflowRuntime, now: datetime | None = None, batch: int = 500,
                    worker: str | None = None, wake_hook: WakeHook | None = None,
                    after_pass: Callable[[], object] | None = None) -> int:
    """One pass: fire every timer due at `now` (default: the clock); returns how many timers fired."""
    clock = utcnow()
    now = now or clock
    if now > clock + CLOCK_TOLERANCE:
        raise ValueError(f"cannot fire timers as of {now.isoformat()}: it is later than the clock "
                         f"({clock.isoformat()}), and SpiffWorkflow fires timers by the clock")
    worker = worker or worker_name()
    fired = 0
    while claimed := claim_due_timers(runtime, now, batch, worker):
        fired += sum(_wake(runtime, instance_id, now, wake_hook) for instance_id in claimed)
        if sum(map(len, claimed.values())) < batch:
            break
    with runtime.db.transaction(write=False) as s:
        untracked = list(s.connection().execute(UNTRACKED_DUE_INSTANCES, {"now": now, "batch": batch}).scalars())
    fired += sum(_wake(runtime, instance_id, now, wake_hook) for instance_id in untracked)
    if after_pass is not None:
        try:
            after_pass()
        except Exception:  # noqa: BLE001 - the next pass retries; a failure here must not stop the timers
            log.exception("after-pass step failed; it is retried on the next pass")
    return fired


def _wake(runtime: WorkflowRuntime, instance_id: int, now: datetime, wake_hook: WakeHook | None = None) -> int:
    try:
        with runtime.db.transaction() as s:
            with wake_hook(s, instance_id) if wake_hook is not None else nullcontext():
                return runtime.wake(instance_id, actor="worker", now=now, session=s).timers_fired
    except TaskConflict:
        log.info("instance %s was advanced by another process; skipped", instance_id)
    except OkuyamiError:
        log.exception("waking instance %s failed; its timers stay WAITING and are retried once the lease ends",
                      instance_id)
    return 0


TIMER_STATES = ("WAITING", "FIRED", "CANCELLED")


def list_timers(runtime: WorkflowRuntime, state: str | None = None, limit: int = 100,
                newest_first: bool = False) -> list[tuple[Timer, str]]:
    """Timers with their instance's process id, in due order (or newest due first), optionally of one state."""
    query = select(Timer, ProcessInstance.process_id).join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
    if state is not None:
        query = query.where(Timer.state == state)
    order = (Timer.due_at.desc(), Timer.id.desc()) if newest_first else (Timer.due_at, Timer.id)
    with runtime.db.transaction(write=False) as s:
        return [(timer, process_id) for timer, process_id in s.execute(query.order_by(*order).limit(limit))]


def make_scheduler(runtime: WorkflowRuntime, interval_seconds: float = 30, background: bool = False,
                   wake_hook: WakeHook | None = None, after_pass: Callable[[], object] | None = None):
    """A scheduler that runs a pass every `interval_seconds`, the first one at once (catch-up after downtime).
    One pass at a time per process (max_instances=1); missed runs are coalesced into one."""
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="Asia/Tokyo")
    scheduler.add_job(fire_due_timers, "interval", seconds=interval_seconds, args=[runtime], id=JOB_ID,
                      kwargs={"wake_hook": wake_hook, "after_pass": after_pass},
                      max_instances=1, coalesce=True, next_run_time=utcnow(), misfire_grace_time=None)
    return scheduler
