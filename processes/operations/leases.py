"""A worker killed in the middle of a step (kill -9, power cut) leaves its leases behind: timers, print packets and
report files it had claimed stay claimed until the lease runs out (5 minutes). A worker starting on the same host gives back at
once the leases of workers of this host whose process no longer exists, so that it catches up right away. (Leases
of other hosts, or of a process id taken again since, simply run out.)"""
from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy import select

from engine.db.models import Timer
from engine.db.session import Database
from engine.db.types import utcnow
from processes.documents.models import CasePacket
from processes.reports.models import ReportBuild


def _dead(claimed_by: str | None, host: str) -> bool:
    if not claimed_by or not claimed_by.startswith(host + ":"):
        return False
    pid_text = claimed_by[len(host) + 1:]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_dead_leases(database: Database) -> tuple[int, int, int]:
    """(timers, packets, report builds) whose lease was given back."""
    host, now = socket.gethostname(), utcnow()
    expired = now - timedelta(seconds=1)
    with database.transaction() as session:
        timers = [t for t in session.scalars(select(Timer).where(Timer.state == "WAITING",
                                                                 Timer.claimed_until > now))
                  if _dead(t.claimed_by, host)]
        for timer in timers:
            timer.claimed_until = expired
        packets = [p for p in session.scalars(select(CasePacket).where(CasePacket.claimed_until > now))
                   if _dead(p.claimed_by, host)]
        for packet in packets:
            packet.claimed_until = expired
        report_builds = [b for b in session.scalars(select(ReportBuild).where(ReportBuild.claimed_until > now))
                         if _dead(b.claimed_by, host)]
        for build in report_builds:
            build.claimed_until = expired
    return len(timers), len(packets), len(report_builds)
