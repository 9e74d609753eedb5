"""A small pool of warm LibreOffice converters (docx → PDF).

Cold `soffice --convert-to pdf` pays ~1.3 s of start-up per file; a warm soffice converts a one-page form in a
fraction of that. The pool keeps up to `size` converters (one soffice each, started lazily on first use or all at
once by `start()`), hands each conversion to an idle one, and
- recycles a converter after `max_conversions` (LibreOffice grows ~1 MB per conversion),
- kills and replaces a converter that does not answer within `convert_timeout` (a hung soffice),
- retries a conversion once on a fresh converter when the old one died under it,
- waits at most `acquire_timeout` for a free converter (ConverterBusy), never forever.
Documents go through a private temporary folder (mode 0700) and are deleted as soon as they are read back.
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .converter import Converter
from .errors import ConversionFailed, ConverterBusy, ConverterUnavailable

log = logging.getLogger(__name__)
SYSTEM_PYTHON = "/usr/bin/python3"


@dataclass(frozen=True)
class PoolSettings:
    size: int = 2
    max_conversions: int = 200
    convert_timeout: float = 60.0
    start_timeout: float = 60.0
    acquire_timeout: float = 120.0
    soffice: str = "soffice"
    python: str = SYSTEM_PYTHON


@lru_cache(maxsize=8)
def _probe(soffice: str, python: str) -> str | None:
    """Why this machine cannot convert (English, for the log), or None when it can."""
    if shutil.which(soffice) is None:
        return f"{soffice} (LibreOffice) is not installed"
    if shutil.which(python) is None:
        return f"{python} is not installed"
    try:
        subprocess.run([python, "-c", "import uno"], check=True, capture_output=True, timeout=30)
    except (subprocess.SubprocessError, OSError):
        return f"{python} cannot import uno (install python3-uno)"
    return None


def unavailable_reason(settings: PoolSettings = PoolSettings()) -> str | None:
    return _probe(settings.soffice, settings.python)


class ConverterPool:
    def __init__(self, settings: PoolSettings = PoolSettings()):
        self.settings = settings
        self._idle: queue.LifoQueue[Converter] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(settings.size)
        self._lock = threading.Lock()
        self._started = 0
        self._closed = False
        self._workdir: Path | None = None
        self.recycled = 0
        self.restarted = 0

    # -------------------------------------------------------------------------------------------- lifecycle
    def check_available(self) -> None:
        reason = unavailable_reason(self.settings)
        if reason:
            raise ConverterUnavailable(f"no PDF conversion: {reason}")

    def start(self) -> None:
        """Warm every converter now (in parallel) instead of on first use."""
        self.check_available()
        missing = self.settings.size - self._idle.qsize()
        with ThreadPoolExecutor(max_workers=max(missing, 1)) as starters:
            converters = list(starters.map(lambda _: self._new_converter(), range(missing)))
        for converter in converters:
            self._idle.put(converter)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> "ConverterPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def warm(self) -> int:
        return self._idle.qsize()

    # -------------------------------------------------------------------------------------------- converting
    def convert(self, docx: bytes) -> bytes:
        """The PDF of one .docx document."""
        self.check_available()
        if self._closed:
            raise ConversionFailed("converter pool is closed")
        if not self._slots.acquire(timeout=self.settings.acquire_timeout):
            raise ConverterBusy(f"no converter became free within {self.settings.acquire_timeout:g} s")
        try:
            return self._convert(docx)
        finally:
            self._slots.release()

    def _convert(self, docx: bytes) -> bytes:
        job = self._jobs_dir() / uuid.uuid4().hex
        source, target = job.with_suffix(".docx"), job.with_suffix(".pdf")
        source.write_bytes(docx)
        try:
            for attempt in (1, 2):
                converter = self._take()
                try:
                    converter.convert(source, target, self.settings.convert_timeout)
                except ConversionFailed:
                    if converter.alive:   # LibreOffice answered "cannot convert": the document is the problem
                        self._give_back(converter)
                        raise
                    self.restarted += 1
                    log.warning("a LibreOffice converter died or hung; replaced (attempt %d)", attempt)
                    if attempt == 2:
                        raise
                    continue
                self._give_back(converter)
                return target.read_bytes()
            raise AssertionError("unreachable")
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def _take(self) -> Converter:
        while True:
            try:
                converter = self._idle.get_nowait()
            except queue.Empty:
                return self._new_converter()
            if converter.alive:
                return converter
            converter.kill()

    def _give_back(self, converter: Converter) -> None:
        if self._closed or converter.conversions >= self.settings.max_conversions or not converter.alive:
            if converter.conversions >= self.settings.max_conversions:
                self.recycled += 1
            converter.close()
            return
        self._idle.put(converter)

    def _new_converter(self) -> Converter:
        with self._lock:
            self._started += 1
            name = str(self._started)
        converter = Converter(self.settings.python, self.settings.soffice, self._profiles_dir(), name)
        converter.start(self.settings.start_timeout)
        return converter

    def _base_dir(self) -> Path:
        with self._lock:
            if self._workdir is None:
                self._workdir = Path(tempfile.mkdtemp(prefix="okuyami-converters-"))
                (self._workdir / "jobs").mkdir(mode=0o700)
                (self._workdir / "profiles").mkdir(mode=0o700)
            return self._workdir

    def _jobs_dir(self) -> Path:
        return self._base_dir() / "jobs"

    def _profiles_dir(self) -> Path:
        return self._base_dir() / "profiles"


def convert_all(pool: ConverterPool, documents: Iterable[bytes],
                on_done: Callable[[int], None] | None = None) -> list[bytes]:
    """The PDFs of `documents`, in order, converted in parallel on the pool's converters. Each document is handed
    over as soon as the iterable yields it, so filling the next template overlaps converting this one.
    `on_done(n)` is called after each conversion with how many are done."""
    with ThreadPoolExecutor(max_workers=max(1, pool.settings.size)) as converting:
        futures = [converting.submit(pool.convert, docx) for docx in documents]
        for done, future in enumerate(as_completed(futures), start=1):
            future.result()
            if on_done is not None:
                on_done(done)
    return [future.result() for future in futures]


_shared: ConverterPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ConverterPool:
    """The process's pool (size from OKUYAMI_CONVERTERS, default 2), closed when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            size = max(1, int(os.environ.get("OKUYAMI_CONVERTERS", "2")))
            _shared = ConverterPool(PoolSettings(size=size))
            atexit.register(_shared.close)
        return _shared
