"""A model script's and a form template's time bounds count the work's own CPU time: on a busy node (the morning
peak, a report being built beside the packets) a worker may wait for a core longer than its bound, and the
family's step or their printed forms must not fail for it. Work that really loops is still stopped (the hardening
tests), and work kept waiting is given up after STARVED_WALL_FACTOR times its bound."""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.documents import bounded
from engine.errors import ScriptTimeout
from engine.sandbox import SandboxEnvironment, limits
from processes.documents.templates import validation_context
from tests.document_support import docx_with
from tests.packet_support import docx_text

BOUND = 0.5
STOPPED_FOR = 2.5
"""Longer than the bound and its grace together: the old wall-clock bound gave up on a worker kept this long."""


def _workers(module: str) -> list[int]:
    """This process's worker processes running `python -m module`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and module.encode() in command:
            found.append(int(entry.name))
    return found


@contextmanager
def kept_from_the_cpu(pids: list[int], seconds: float):
    """The workers get no core for `seconds` (stopped, as a starved process simply does not run)."""
    assert pids, "no worker to stop"
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    timer = threading.Timer(seconds, lambda: [os.kill(pid, signal.SIGCONT) for pid in pids])
    timer.start()
    try:
        yield
    finally:
        timer.join()


def test_a_script_whose_worker_waits_for_a_core_finishes_instead_of_timing_out():
    sandbox = SandboxEnvironment(timeout_seconds=BOUND)
    sandbox.execute("total = sum(range(n))", {"n": 20})   # a worker is started and idle
    started = time.monotonic()

    with kept_from_the_cpu(_workers("engine.sandbox.worker"), STOPPED_FOR):
        data = {"n": 10}
        sandbox.execute("total = sum(range(n))", data)

    assert data["total"] == 45
    assert time.monotonic() - started >= STOPPED_FOR   # it did wait, and was not given up on


def test_a_form_whose_rendering_waits_for_a_core_is_printed_not_refused(monkeypatch):
    monkeypatch.setattr(bounded, "RENDER_SECONDS", BOUND)
    template, context = docx_with("{{ deceased.name }}"), validation_context()
    bounded.render_bounded(template, context)          # the render worker is started and idle
    started = time.monotonic()

    with kept_from_the_cpu(_workers("engine.documents.render_worker"), STOPPED_FOR):
        document = bounded.render_bounded(template, context)

    assert "見本 太郎" in docx_text(document)
    assert time.monotonic() - started >= STOPPED_FOR


class _StarvedClock:
    """The wall clock as a starved thread sees it: `jump` seconds pass at each reading after the first."""

    def __init__(self, jump: float):
        self.offset, self.jump, self.read_once = 0.0, jump, False

    def monotonic(self) -> float:
        if self.read_once:
            self.offset += self.jump
        self.read_once = True
        return time.monotonic() + self.offset

    thread_time = staticmethod(time.thread_time)


def _run_traced(source: str, seconds: float) -> dict:
    scope: dict = {}
    with limits.time_limit(seconds):
        exec(compile(source, limits.SCRIPT_FILENAME, "exec"), scope)
    return scope


def test_a_script_that_waited_for_a_core_within_the_cap_runs_to_its_end(monkeypatch):
    monkeypatch.setattr(limits, "time", _StarvedClock(jump=BOUND * 0.7))
    scope = _run_traced("a = 1\nb = a + 1\nc = b + 1\nd = c + 1\n", BOUND)
    assert scope["d"] == 4


def test_a_script_kept_waiting_past_the_cap_is_stopped(monkeypatch):
    monkeypatch.setattr(limits, "time", _StarvedClock(jump=BOUND * limits.STARVED_WALL_FACTOR))
    with pytest.raises(ScriptTimeout):
        _run_traced("a = 1\nb = a + 1\nc = b + 1\n", BOUND)
