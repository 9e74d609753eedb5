"""A wall-clock bound for sandboxed code, enforced by a trace function on the script's own frames only.

A trace function works in any thread (signals only in the main one) and costs nothing outside the script.
"""
from __future__ import annotations

import dis
import sys
import time
from contextlib import contextmanager
from functools import lru_cache

from ..errors import ScriptTimeout

SCRIPT_FILENAME = "<okuyami-script>"


@lru_cache(maxsize=4096)
def _has_loop(code) -> bool:
    """A loop may jump back within one source line (`while True: pass`), which raises no new "line" event:
    such frames are traced per opcode instead."""
    return any(ins.opname.startswith(("JUMP_BACKWARD", "POP_JUMP_BACKWARD", "JUMP_ABSOLUTE"))
               for ins in dis.get_instructions(code))


@contextmanager
def time_limit(seconds: float):
    deadline = time.monotonic() + seconds

    def local_trace(frame, event, arg):
        if event in ("line", "opcode") and time.monotonic() > deadline:
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
