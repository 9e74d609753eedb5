"""A time bound for sandboxed code, enforced by a trace function on the script's own frames only.

A trace function works in any thread (signals only in the main one) and costs nothing outside the script. The
bound is the script's own CPU time: on a busy node a script may wait for a core longer than its bound without
being at fault, so when the wall clock passes the bound, the thread's CPU time decides (read only then: it costs
a system call, the clock a few nanoseconds). A script kept waiting is still stopped after STARVED_WALL_FACTOR
times its bound of wall time.
"""
from __future__ import annotations

import dis
import sys
import time
from contextlib import contextmanager
from functools import lru_cache

from ..errors import ScriptTimeout

SCRIPT_FILENAME = "<okuyami-script>"
STARVED_WALL_FACTOR = 6
"""How many times its time bound a computation may take in wall time while waiting for a core (scripts here,
the evaluation and rendering workers in isolation.py)."""


@lru_cache(maxsize=4096)
def _has_loop(code) -> bool:
    """A loop may jump back within one source line (`while True: pass`), which raises no new "line" event:
    such frames are traced per opcode instead."""
    return any(ins.opname.startswith(("JUMP_BACKWARD", "POP_JUMP_BACKWARD", "JUMP_ABSOLUTE"))
               for ins in dis.get_instructions(code))


@contextmanager
def time_limit(seconds: float):
    started, cpu_started = time.monotonic(), time.thread_time()
    deadline = started + seconds

    def local_trace(frame, event, arg):
        nonlocal deadline
        if event in ("line", "opcode") and time.monotonic() > deadline:
            deadline = starved_until(started, time.thread_time() - cpu_started, seconds)
            if deadline is None:
                raise ScriptTimeout(f"script exceeded its time limit of {seconds:g} s")
        return local_trace

    def global_trace(frame, event, arg):
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            frame.f_trace_opcodes = _has_loop(frame.f_code)
            return local_trace(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(global_trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def starved_until(started: float, cpu_used: float | None, seconds: float) -> float | None:
    """When work that began at `started` (monotonic) and has used `cpu_used` seconds of CPU within a bound of
    `seconds` may next be checked, or None when it is at fault: its CPU time reached the bound, or it has waited
    STARVED_WALL_FACTOR times the bound in all (or its CPU time cannot be read)."""
    now = time.monotonic()
    if cpu_used is None or cpu_used >= seconds or now - started >= seconds * STARVED_WALL_FACTOR:
        return None
    return min(now + seconds - cpu_used, started + seconds * STARVED_WALL_FACTOR)
