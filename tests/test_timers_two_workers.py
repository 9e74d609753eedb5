"""Two real worker processes race over the same due timers: each timer fires exactly once and each case is
advanced exactly once (PostgreSQL: FOR UPDATE SKIP LOCKED claims; SQLite: BEGIN IMMEDIATE serialises them)."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from engine.db.models import AuditEntry, HumanTask, Timer
from tests.support import ROOT, fixture_sources

CASES = 40


@pytest.mark.slow
def test_two_worker_processes_fire_each_timer_exactly_once(runtime, database, registry, data_key):
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("reminder.bpmn"), actor="test-setup")
    with time_machine.travel(datetime.now(timezone.utc) - timedelta(hours=2)):  # due an hour ago, by the real clock
        cases = [runtime.start("reminder", "op1", ward="saiwai").id for _ in range(CASES)]

    workers = [subprocess.Popen([sys.executable, "-m", "tests.timer_worker", database.url, data_key, "3"],
                                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(2)]
    try:
        for worker in workers:
            assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
        for worker in workers:  # both start their pass at once
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [worker.communicate(timeout=300) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    for worker, (_, err) in zip(workers, outputs):
        assert worker.returncode == 0, err
    fired = [int(out.split()[-1]) for out, _ in outputs]
    assert sum(fired) == CASES, fired

    with database.transaction(write=False) as s:
        states = s.execute(select(Timer.state, func.count()).group_by(Timer.state)).all()
        woken = dict(s.execute(select(AuditEntry.instance_id, func.count())
                               .where(AuditEntry.action == "instance.woken").group_by(AuditEntry.instance_id)).all())
        escalations = dict(s.execute(select(HumanTask.instance_id, func.count())
                                     .where(HumanTask.spec_name == "escalate").group_by(HumanTask.instance_id)).all())
        claimers = set(s.scalars(select(Timer.claimed_by)))
    assert states == [("FIRED", CASES)]
    assert woken == {case: 1 for case in cases}
    assert escalations == {case: 1 for case in cases}
    assert None not in claimers
