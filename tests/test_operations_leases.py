"""A worker that starts gives back at once the leases of this host's workers that died (kill -9): their timers,
print packets and report files are taken again at its first pass instead of after the 5-minute lease; a live worker's leases and
another host's stay."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from engine.db.models import Timer
from engine.db.types import utcnow
from processes.documents.models import CasePacket
from processes.operations.leases import release_dead_leases
from processes.reports.models import ReportBuild

DEAD_PID = 4_194_303   # above Linux's largest process id: never alive


def test_leases_of_dead_workers_on_this_host_are_given_back(runtime, database):
    host = socket.gethostname()
    holders = [f"{host}:{DEAD_PID}", f"{host}:{os.getppid()}", f"elsewhere:{DEAD_PID}"]
    cases = [runtime.start("review", "op1", {"amount": 10}, ward="saiwai").id for _ in holders]
    until = utcnow() + timedelta(minutes=5)
    with database.transaction() as session:
        for case_id, holder in zip(cases, holders):
            session.add(Timer(instance_id=case_id, task_id=f"t{case_id}", event_name="期限", event_kind="duration",
                              due_at=datetime(2026, 1, 1, tzinfo=timezone.utc), state="WAITING", claimed_by=holder,
                              claimed_until=until))
            session.add(CasePacket(case_id=case_id, status="generating", content_hash="0" * 64, claimed_by=holder,
                                   claimed_until=until))
            session.add(ReportBuild(kind="monthly", period="2026-11", format="pdf", requested_by="sv", state="running",
                                    claimed_by=holder, claimed_until=until))
    assert release_dead_leases(database) == (1, 1, 1)
    with database.transaction(write=False) as session:
        timers = {t.claimed_by: t.claimed_until for t in session.scalars(select(Timer))}
        packets = {p.claimed_by: p.claimed_until for p in session.scalars(select(CasePacket))}
        report_builds = {b.claimed_by: b.claimed_until for b in session.scalars(select(ReportBuild))}
    for leases in (timers, packets, report_builds):
        assert leases[holders[0]] < utcnow()                       # the dead worker's: free now
        assert leases[holders[1]] == leases[holders[2]] == until   # a live process's, another host's: kept
