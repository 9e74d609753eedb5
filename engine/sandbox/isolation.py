"""Model scripts run in a small pool of evaluation processes, each under an address-space and CPU limit.

The trace-based time bound cannot see a loop inside a C built-in (`sum` over a huge range, `'a'.ljust(10**10)`),
and nothing in one interpreter bounds memory. So every evaluation is sent to a worker process (see `worker.py`):
the caller waits at most the time bound plus a grace period, then kills the worker and raises ScriptTimeout; an
allocation beyond the worker's limit fails there as MemoryError and comes back as SandboxLimitExceeded. Workers
are reused, so one evaluation costs a pipe round trip and two pickles, not a process start.
"""
from __future__ import annotations

import atexit
import builtins
import io
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import ScriptError, ScriptTimeout
from .limits import starved_until
from .whitelist import SandboxLimitExceeded, now

HEADER = struct.Struct("!I")
"""Each message on a worker's pipes: its length, then a pickle."""
GRACE_SECONDS = 0.5
STARTUP_SECONDS = 30
DEFAULT_MEMORY_MEGABYTES = 64
DEFAULT_WORKERS = 2
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]

_SAFE_GLOBALS = {
    ("builtins", name) for name in (
        "dict", "list", "tuple", "set", "frozenset", "str", "bytes", "bytearray", "int", "float", "complex",
        "bool", "range", "slice")
} | {
    ("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")
} | {("zoneinfo", "ZoneInfo"), ("decimal", "Decimal"), ("collections", "OrderedDict")}


class _DataUnpickler(pickle.Unpickler):
    """Values coming back from a worker are data: containers, numbers, text, dates. Nothing else is rebuilt."""

    def find_class(self, module, name):
        if (module, name) == ("builtins", "getattr"):
            return _zoneinfo_getattr
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a model script returned a value of type {module}.{name}")


def _zoneinfo_getattr(owner, name: str):
    """A ZoneInfo pickles as getattr(ZoneInfo, "_unpickle"): the only lookup a value needs."""
    if owner is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle
    raise pickle.UnpicklingError("a model script returned a value that is not data")


def _load_value(payload: bytes):
    try:
        return _DataUnpickler(io.BytesIO(payload)).load()
    except pickle.UnpicklingError as exc:
        raise ScriptError(str(exc)) from None


_KNOWN_ERRORS = {
    ("engine.sandbox.whitelist", "SandboxLimitExceeded"): SandboxLimitExceeded,
    ("engine.errors", "ScriptTimeout"): ScriptTimeout,
    ("engine.errors", "ScriptError"): ScriptError,
}


def _rebuild_error(module: str, name: str, message: str) -> Exception:
    if module == "builtins":
        kind = getattr(builtins, name, None)
        if isinstance(kind, type) and issubclass(kind, Exception):
            try:
                return kind(message)
            except TypeError:
                pass
    kind = _KNOWN_ERRORS.get((module, name))
    if kind is not None:
        return kind(message)
    return ScriptError(f"{name}: {message}")


class _Worker:
    def __init__(self, memory_megabytes: int, module: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, str(memory_megabytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_PROJECT_ROOT, close_fds=True)
        try:
            ready = self._read(HEADER.size, time.monotonic() + STARTUP_SECONDS)
        except EOFError:
            ready = None
        if ready is None:
            self.kill()
            raise ScriptError(f"the evaluation process {module} did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def _read(self, size: int, deadline: float) -> bytes | None:
        chunks, remaining = [], size
        fd = self.process.stdout.fileno()
        while remaining:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                return None
            chunk = os.read(fd, remaining)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def cpu_seconds(self) -> float | None:
        """The CPU time the worker has used in its life (from /proc), None where it cannot be read."""
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return None

    def ask(self, request: tuple, wait_seconds: float) -> tuple | None:
        """The worker's answer, None when it did not answer in time; EOFError when it died. In time: within
        `wait_seconds` of the worker's CPU time (a worker waiting for a core on a busy node is not at fault),
        and of wall time at most STARVED_WALL_FACTOR times that."""
        body = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        cpu_before = self.cpu_seconds()
        try:
            self.process.stdin.write(HEADER.pack(len(body)) + body)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise EOFError from None
        started = time.monotonic()
        deadline = started + wait_seconds
        while (header := self._read(HEADER.size, deadline)) is None:
            cpu_now = self.cpu_seconds()
            used = None if cpu_before is None or cpu_now is None else cpu_now - cpu_before
            deadline = starved_until(started, used, wait_seconds)
            if deadline is None:
                return None
        payload = self._read(HEADER.unpack(header)[0], deadline + wait_seconds)
        if payload is None:
            return None
        return pickle.loads(payload)  # the envelope holds only tuples of str/bytes; values are loaded apart


class EvaluationPool:
    """Up to `size` workers for this process; a caller takes an idle one or waits for one. `module` is the
    worker's program (`python -m module MEMORY_MB`): the sandbox's by default, engine.documents' for templates."""

    def __init__(self, memory_megabytes: int = DEFAULT_MEMORY_MEGABYTES, size: int = DEFAULT_WORKERS,
                 module: str = "engine.sandbox.worker"):
        self.memory_megabytes = memory_megabytes
        self.size = size
        self.module = module
        self._idle: list[_Worker] = []
        self._started = 0
        self._available = threading.Condition()

    def _take(self) -> _Worker:
        with self._available:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    worker.kill()
                    self._started -= 1
                if self._started < self.size:
                    self._started += 1
                    break
                self._available.wait()
        try:
            return _Worker(self.memory_megabytes, self.module)
        except BaseException:
            self._forget()
            raise

    def _give_back(self, worker: _Worker) -> None:
        with self._available:
            self._idle.append(worker)
            self._available.notify()

    def _forget(self) -> None:
        with self._available:
            self._started -= 1
            self._available.notify()

    def call(self, request: tuple, wait_seconds: float) -> tuple | None:
        """The worker's answer; None when it did not answer in time, ("died",) when it ended (both replace it)."""
        worker = self._take()
        try:
            answer = worker.ask(request, wait_seconds)
        except EOFError:
            answer = ("died",)
        except BaseException:
            worker.kill()
            self._forget()
            raise
        if answer is None or answer[0] in ("memory", "died"):
            worker.kill()
            self._forget()
        else:
            self._give_back(worker)
        return answer

    def run(self, operation: str, source: str, context: dict, external_context: dict | None, timeout: float):
        request = (operation, source, context, external_context or None, timeout, now())
        answer = self.call(request, timeout + GRACE_SECONDS)
        if answer is None:
            raise ScriptTimeout(f"script exceeded its time limit of {timeout:g} s")
        if answer[0] == "ok":
            return _load_value(answer[1])
        if answer[0] == "error":
            raise _rebuild_error(*answer[1:])
        raise SandboxLimitExceeded(f"script exceeded the sandbox memory limit of {self.memory_megabytes} MB "
                                   "or its CPU time")

    def close(self) -> None:
        with self._available:
            for worker in self._idle:
                worker.kill()
            self._idle.clear()
            self._started = 0


_pools: dict[tuple[int, int], EvaluationPool] = {}
_pools_lock = threading.Lock()


def shared_pool(memory_megabytes: int = DEFAULT_MEMORY_MEGABYTES) -> EvaluationPool:
    """One pool per process and memory limit (a forked child gets its own: pipes are not shared)."""
    key = (os.getpid(), memory_megabytes)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = EvaluationPool(memory_megabytes)
        return pool


@atexit.register
def _close_pools() -> None:
    for (pid, _), pool in list(_pools.items()):
        if pid == os.getpid():
            pool.close()
