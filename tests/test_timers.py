"""BPMN timers as rows of the timers table, fired by the scheduler's pass exactly once: at the deadline and not
before, never after their task stopped waiting, once after downtime. Time is moved with time_machine."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import func, select

from engine.db.models import AuditEntry, Timer
from engine.scheduler import JOB_ID, fire_due_timers, make_scheduler
from tests.case_support import JST, MOVED_VISIT, book
from tests.support import fixture_sources

T0 = datetime(2025, 4, 1, 0, 30, tzinfo=timezone.utc)
PRECHECK, ESCALATION, REMINDER = "事前確認の期限", "事前確認のエスカレーション期限", "来庁の2営業日前"
HOUR = timedelta(hours=1)


@pytest.fixture
def timer_runtime(runtime, database, registry):
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("reminder.bpmn"), actor="test-setup")
    return runtime


def timers_of(runtime, instance_id: int) -> list[Timer]:
    with runtime.db.transaction(write=False) as s:
        return list(s.scalars(select(Timer).where(Timer.instance_id == instance_id).order_by(Timer.id)))


def woken_count(runtime, instance_id: int) -> int:
    with runtime.db.transaction(write=False) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.instance_id == instance_id, AuditEntry.action == "instance.woken"))


def start_reminder(runtime, at: datetime = T0):
    with time_machine.travel(at, tick=False):
        return runtime.start("reminder", "op1", ward="saiwai")


def run_pass(runtime, at: datetime, **kwargs) -> int:
    with time_machine.travel(at, tick=False):
        return fire_due_timers(runtime, **kwargs)


def test_starting_a_case_records_its_waiting_timer(timer_runtime):
    case = start_reminder(timer_runtime)

    [timer] = timers_of(timer_runtime, case.id)
    assert (timer.state, timer.due_at, timer.event_kind) == ("WAITING", T0 + HOUR, "DurationTimerEventDefinition")
    assert timer.event_name == "1時間経過" and len(timer.task_id) == 36
    assert (timer.created_at, timer.fired_at, timer.claimed_by) == (T0, None, None)


def test_the_timer_fires_once_at_its_deadline_and_not_before(timer_runtime):
    case = start_reminder(timer_runtime)
    [callback] = timer_runtime.list_tasks(instance_id=case.id)

    assert run_pass(timer_runtime, T0 + timedelta(minutes=59)) == 0
    assert run_pass(timer_runtime, T0 + HOUR) == 0  # SpiffWorkflow fires once the clock has passed the due time
    assert [t.state for t in timers_of(timer_runtime, case.id)] == ["WAITING"]
    assert [t.id for t in timer_runtime.list_tasks(instance_id=case.id)] == [callback.id]

    assert run_pass(timer_runtime, T0 + HOUR + timedelta(seconds=1)) == 1
    [timer] = timers_of(timer_runtime, case.id)
    assert (timer.state, timer.fired_at) == ("FIRED", T0 + HOUR + timedelta(seconds=1))
    assert timer.claimed_by is not None
    [escalate] = timer_runtime.list_tasks(instance_id=case.id)
    assert escalate.spec_name == "escalate"

    assert run_pass(timer_runtime, T0 + timedelta(days=2)) == 0
    assert woken_count(timer_runtime, case.id) == 1
    assert [t.state for t in timers_of(timer_runtime, case.id)] == ["FIRED"]


def test_completing_the_task_cancels_its_deadline_and_it_never_fires(timer_runtime):
    case = start_reminder(timer_runtime)
    [callback] = timer_runtime.list_tasks(instance_id=case.id)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        timer_runtime.complete_task(callback.id, {}, "op1")

    [timer] = timers_of(timer_runtime, case.id)
    assert (timer.state, timer.fired_at) == ("CANCELLED", T0 + timedelta(minutes=10))
    assert run_pass(timer_runtime, T0 + timedelta(days=1)) == 0
    assert woken_count(timer_runtime, case.id) == 0


def test_cancelling_the_case_cancels_its_timers(timer_runtime):
    case = start_reminder(timer_runtime)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        timer_runtime.cancel(case.id, "sv1")

    assert [t.state for t in timers_of(timer_runtime, case.id)] == ["CANCELLED"]
    assert run_pass(timer_runtime, T0 + timedelta(days=1)) == 0
    assert woken_count(timer_runtime, case.id) == 0


def test_a_rebooked_visit_moves_its_deadlines_the_old_timers_are_cancelled_not_fired(case_runtime, clock):
    rt = case_runtime
    case = book(rt)
    old = {t.event_name: t for t in timers_of(rt, case.id) if t.state == "WAITING"}
    assert {name: t.due_at for name, t in old.items()} == {
        PRECHECK: datetime(2026, 12, 2, 17, 0, tzinfo=JST),      # 17:00 one business day before the visit
        ESCALATION: datetime(2026, 12, 3, 8, 30, tzinfo=JST),     # the visit day, before the corner opens
        REMINDER: datetime(2026, 12, 1, 9, 0, tzinfo=JST)}        # 2 business days before the visit

    rt.message(case.id, "booking_moved", "operator1", {"slot_start": MOVED_VISIT.isoformat()})
    timers = {t.id: t for t in timers_of(rt, case.id)}
    assert {timers[t.id].state for t in old.values()} == {"CANCELLED"}
    new = {t.event_name: t for t in timers.values() if t.state == "WAITING"}
    assert {name: t.due_at for name, t in new.items()} == {
        PRECHECK: datetime(2026, 12, 7, 17, 0, tzinfo=JST), ESCALATION: datetime(2026, 12, 8, 8, 30, tzinfo=JST),
        REMINDER: datetime(2026, 12, 4, 9, 0, tzinfo=JST)}
    assert not {t.task_id for t in new.values()} & {t.task_id for t in old.values()}

    clock.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=JST))  # every old deadline has passed: nothing fires
    assert fire_due_timers(rt) == 0
    assert {timers_of_id(rt, t.id).state for t in old.values()} == {"CANCELLED"}
    assert woken_count(rt, case.id) == 0

    clock.move_to(datetime(2026, 12, 4, 9, 1, tzinfo=JST))  # the new reminder fires, once
    assert fire_due_timers(rt) == 1 and fire_due_timers(rt) == 0
    clock.move_to(datetime(2026, 12, 7, 17, 1, tzinfo=JST))  # then the new pre-check deadline, once
    assert fire_due_timers(rt) == 1 and fire_due_timers(rt) == 0
    states = {t.event_name: t.state for t in timers_of(rt, case.id) if t.id not in {o.id for o in old.values()}}
    assert states == {PRECHECK: "FIRED", REMINDER: "FIRED", ESCALATION: "WAITING"}
    assert woken_count(rt, case.id) == 2
    assert "overdue_recorded_at" in rt.instance_data(case.id)


def timers_of_id(runtime, timer_id: int) -> Timer:
    with runtime.db.transaction(write=False) as s:
        return s.get(Timer, timer_id)


def test_after_downtime_the_scheduler_catches_up_at_start_once(timer_runtime):
    cases = [start_reminder(timer_runtime, T0 + timedelta(minutes=i)) for i in range(3)]
    late = start_reminder(timer_runtime, T0 + timedelta(days=3))  # its timer is not due yet when we come back

    with time_machine.travel(T0 + timedelta(days=3, minutes=5), tick=False):
        scheduler = make_scheduler(timer_runtime, interval_seconds=3600, background=True)
        ran, outcome = threading.Event(), []
        scheduler.add_listener(lambda event: (outcome.append(event), ran.set()), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        scheduler.start()
        try:
            assert ran.wait(timeout=60), "the first pass did not run at start"
        finally:
            scheduler.shutdown(wait=True)
        [event] = outcome
        assert (event.job_id, event.exception, event.retval) == (JOB_ID, None, 3)
        assert fire_due_timers(timer_runtime) == 0  # a second pass finds nothing left

    for case in cases:
        assert [t.state for t in timers_of(timer_runtime, case.id)] == ["FIRED"]
        assert woken_count(timer_runtime, case.id) == 1
    assert [t.state for t in timers_of(timer_runtime, late.id)] == ["WAITING"]


def test_replaying_a_missed_window_fires_only_what_was_due_by_then(timer_runtime):
    early = start_reminder(timer_runtime, T0)
    later = start_reminder(timer_runtime, T0 + timedelta(hours=5))

    assert run_pass(timer_runtime, T0 + timedelta(days=1), now=T0 + timedelta(hours=2)) == 1
    assert [t.state for t in timers_of(timer_runtime, early.id)] == ["FIRED"]
    assert timers_of(timer_runtime, early.id)[0].fired_at == T0 + timedelta(hours=2)
    assert [t.state for t in timers_of(timer_runtime, later.id)] == ["WAITING"]
    assert run_pass(timer_runtime, T0 + timedelta(days=1)) == 1


def test_a_now_later_than_the_clock_is_refused(timer_runtime):
    start_reminder(timer_runtime)
    with pytest.raises(ValueError, match="later than the clock"):
        run_pass(timer_runtime, T0 + timedelta(minutes=1), now=T0 + timedelta(hours=2))
    assert run_pass(timer_runtime, T0 + timedelta(hours=2)) == 1


def test_a_live_lease_keeps_other_workers_off_and_an_expired_one_does_not(timer_runtime):
    from engine.scheduler import LEASE, claim_due_timers

    case = start_reminder(timer_runtime)
    with time_machine.travel(T0 + 2 * HOUR, tick=False):
        claimed = claim_due_timers(timer_runtime, T0 + 2 * HOUR, 10, "crashed-worker")
    assert list(claimed) == [case.id]
    assert run_pass(timer_runtime, T0 + 2 * HOUR + LEASE - timedelta(seconds=1), worker="other") == 0
    assert run_pass(timer_runtime, T0 + 2 * HOUR + LEASE + timedelta(seconds=1), worker="other") == 1
    [timer] = timers_of(timer_runtime, case.id)
    assert (timer.state, timer.claimed_by) == ("FIRED", "other")
    assert woken_count(timer_runtime, case.id) == 1


def test_a_case_saved_before_the_timers_table_is_still_woken_once_and_then_tracked(timer_runtime):
    from sqlalchemy import delete
    untracked = start_reminder(timer_runtime)
    with timer_runtime.db.transaction() as s:  # as if it had been saved before migration 0003
        s.execute(delete(Timer).where(Timer.instance_id == untracked.id))
    [callback] = timer_runtime.list_tasks(instance_id=untracked.id)

    assert run_pass(timer_runtime, T0 + timedelta(minutes=30)) == 0
    assert run_pass(timer_runtime, T0 + 2 * HOUR) == 1
    assert run_pass(timer_runtime, T0 + 3 * HOUR) == 0
    assert woken_count(timer_runtime, untracked.id) == 1
    [escalate] = timer_runtime.list_tasks(instance_id=untracked.id)
    assert escalate.spec_name == "escalate" and escalate.id != callback.id
