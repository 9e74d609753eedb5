"""One warm LibreOffice converter process: a UNO bridge (uno_bridge.py, run by the system Python that has `uno`)
that owns one headless soffice. Requests and answers are JSON lines over the bridge's stdin/stdout; every wait is
bounded, and a converter that does not answer in time is killed with its whole process session (soffice too)."""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

from .errors import ConversionFailed

BRIDGE = Path(__file__).with_name("uno_bridge.py")
FONTCONFIG_FILE = Path(__file__).with_name("fonts.conf")


def converter_environment() -> dict[str, str]:
    """soffice's environment: our fontconfig (ＭＳ 明朝/ゴシック → Noto CJK JP) and a headless VCL."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    env["SAL_USE_VCLPLUGIN"] = "svp"
    env.pop("DISPLAY", None)
    return env


class Converter:
    def __init__(self, python: str, soffice: str, workdir: Path, name: str):
        self.python, self.soffice = python, soffice
        self.profile_dir = workdir / f"profile-{name}"
        self.pipe_name = f"okuyami-{os.getpid()}-{name}-{time.monotonic_ns()}"
        self.process: subprocess.Popen | None = None
        self.conversions = 0
        self._buffer = b""

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float) -> None:
        self.process = subprocess.Popen(
            [self.python, str(BRIDGE), self.soffice, str(self.profile_dir), self.pipe_name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=converter_environment(),
            start_new_session=True)
        line = self._read_line(time.monotonic() + timeout)
        if line != "READY":
            self.kill()
            raise ConversionFailed(f"LibreOffice converter did not start (said {line!r})")

    def convert(self, source: Path, target: Path, timeout: float) -> None:
        request = json.dumps({"source": str(source), "target": str(target)}) + "\n"
        try:
            self.process.stdin.write(request.encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            self.kill()
            raise ConversionFailed(f"LibreOffice converter is gone: {exc}") from exc
        answer = json.loads(self._read_line(time.monotonic() + timeout))
        self.conversions += 1
        if not answer.get("ok"):
            raise ConversionFailed(f"LibreOffice could not convert the document: {answer.get('error')}")

    def _read_line(self, deadline: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    self.kill()
                    raise ConversionFailed("LibreOffice converter did not answer in time; it was killed")
                chunk = os.read(self.process.stdout.fileno(), 65536)
                if not chunk:
                    self.kill()
                    raise ConversionFailed("LibreOffice converter exited unexpectedly")
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode(errors="replace").strip()

    def close(self, timeout: float = 10) -> None:
        """Ask the bridge to end (it terminates soffice); kill the session if that takes too long."""
        if self.process is None:
            return
        try:
            self.process.stdin.close()
            self.process.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
