"""Real processes for the multi-process tests: a dedicated PostgreSQL database, an instance folder, app processes
(`okuyami serve`) and workers (`okuyami worker`) started as their own process groups, so that `kill9` ends one with
everything it started (LibreOffice converters included), as systemd does; and a small JSON client over urllib."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

from engine.db.migrate import upgrade
from engine.db.session import Database
from tests.support import PG_ADMIN_URL, ROOT, TEST_DATA_KEY, sqlalchemy_pg_url

OKUYAMI = str(Path(sys.executable).with_name("okuyami"))


@contextmanager
def dedicated_postgres():
    """A new, migrated PostgreSQL database of its own (other tests truncate the shared one)."""
    name = f"okuyami_proc_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    database = Database(sqlalchemy_pg_url(name))
    try:
        upgrade(database)
        yield database
    finally:
        database.dispose()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_instance(folder: Path, database: Database, **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'database_url = "{database.url}"', f'secret_key = "test-{uuid.uuid4().hex}"',
             f'data_key = "{TEST_DATA_KEY}"'] + [f'{key} = "{value}"' for key, value in extra.items()]
    (folder / "okuyami.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    def __init__(self, instance: Path, args: list[str], log: Path):
        self.instance, self.args, self.log = instance, args, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        env = {**os.environ, "OKUYAMI_INSTANCE_PATH": str(self.instance), "PYTHONUNBUFFERED": "1",
               "OKUYAMI_CONVERTERS": "1"}
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen([OKUYAMI, *self.args], cwd=ROOT, env=env, stdout=out, stderr=out,
                                          stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def kill9(self) -> None:
        """SIGKILL to the process and everything it started (its process group)."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()


class App(Process):
    def __init__(self, instance: Path, log: Path):
        self.port = free_port()
        super().__init__(instance, ["serve", "--host", "127.0.0.1", "--port", str(self.port)], log)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True, timeout: float = 120) -> App:
        super().start()
        return self.ready(timeout) if wait else self

    def ready(self, timeout: float = 120) -> App:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise AssertionError(f"app on port {self.port} did not start: {self.log.read_text(errors='replace')[-2000:]}")


class Unreachable(Exception):
    """The request got no answer: the process was killed, or it was killed while serving it."""


def call(base: str, method: str, path: str, token: str, body=None, timeout: float = 60) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(base + "/api/v1" + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
        raise Unreachable(str(exc)) from exc


def wait_until(condition, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in(base: str, username: str, password: str):
    """A browser-like client (its cookies) signed in through the login form of the app at `base`."""
    import http.cookiejar
    import re
    from urllib.parse import urlencode

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(base + "/login", timeout=30) as response:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    body = urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=body, timeout=30) as response:
        assert not response.url.endswith("/login"), "the sign-in was refused"
    return opener


def page_path(opener, url: str) -> str:
    """The path the client ends on after redirects (a signed-out client ends on /login)."""
    from urllib.parse import urlparse
    with opener.open(url, timeout=30) as response:
        return urlparse(response.url).path
