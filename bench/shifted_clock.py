"""The bench's movable clock: every process started with OKUYAMI_BENCH_CLOCK_FILE set (through the
bench/clock/sitecustomize.py hook) lives `offset` seconds from the real time, ticking, and follows a new offset
written to that file within a quarter of a second. A compressed business day needs it: a booking is taken at least
4 business days before its visit, and a family is checked in only on the visit's day, so the day's visits happen
on the clock of their visit day. Only wall-clock time moves (time.time, datetime.now); time.monotonic, which
gunicorn's master uses for its workers' heartbeats, is left alone."""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import time_machine

CLOCK_FILE = "OKUYAMI_BENCH_CLOCK_FILE"
_state: dict = {"offset": None, "traveller": None}


def real_time() -> float:
    """Seconds since the epoch as they really are, whatever the clock of this process says."""
    escape = time_machine.escape_hatch
    return escape.time.time() if escape.is_travelling() else time.time()


def write_offset(path: Path, offset_seconds: float) -> None:
    """Move every following process's clock to real time + `offset_seconds` (atomically: no half-written file)."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps({"offset_seconds": offset_seconds}), encoding="utf-8")
    partial.replace(path)


def _read(path: Path) -> float:
    try:
        return float(json.loads(path.read_text(encoding="utf-8"))["offset_seconds"])
    except (OSError, ValueError, KeyError):
        return _state["offset"] or 0.0


def _follow(path: Path) -> None:
    offset = _read(path)
    if offset == _state["offset"]:
        return
    if _state["traveller"] is not None:
        _state["traveller"].stop()
    traveller = time_machine.travel(real_time() + offset, tick=True)
    traveller.start()
    _state["offset"], _state["traveller"] = offset, traveller


def _watch(path: Path) -> None:
    while True:
        time.sleep(0.25)
        _follow(path)


def _start_watching(path: Path) -> None:
    threading.Thread(target=_watch, args=(path,), daemon=True, name="bench-clock").start()


def install_from_environment() -> None:
    """Called at interpreter start-up: follow the clock file named by OKUYAMI_BENCH_CLOCK_FILE, if any (also in
    processes forked later, such as gunicorn's workers)."""
    name = os.environ.get(CLOCK_FILE)
    if not name:
        return
    path = Path(name)
    _follow(path)
    _start_watching(path)
    os.register_at_fork(after_in_child=lambda: _start_watching(path))
