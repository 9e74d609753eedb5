"""A wall-clock bound for sandboxed code, enforced by a trace function on the script's own frames only.

A trace function works in any thread (signals only in the main one) and costs nothing outside the script.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager

from ..errors import ScriptTimeout

SCRIPT_FILENAME = "<okuyami-script>"


@contextmanager
def time_limit(seconds: float):
    deadline = time.monotonic() + seconds

    def local_trace(frame, event, arg):
        if event == "line" and time.monotonic() > deadline:
            raise ScriptTimeout(f"script exceeded its time limit of {seconds:g} s")
        return local_trace

    def global_trace(frame, event, arg):
        if frame.f_code.co_filename == SCRIPT_FILENAME:
            return local_trace(frame, event, arg)
        return None

    previous = sys.gettrace()
    sys.settrace(global_trace)
    try:
        yield
    finally:
        sys.settrace(previous)
