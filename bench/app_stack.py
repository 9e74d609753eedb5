"""The production way of running the system, for the benchmarks that drive it over HTTP (bench/load.py,
bench/japan_day.py): a new PostgreSQL database seeded with the demo city, the staff application under gunicorn
with 2 processes of 4 threads (as deploy/ runs it), 1 `okuyami worker` and the public application on the export,
all on loopback; bearer tokens for the API's users; everything stopped and the database dropped at the end."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import psycopg

from bench.fixtures import PG_ADMIN_URL, free_port, sqlalchemy_pg_url
from engine import accounts, crypto
from engine.settings import PROJECT_ROOT, load_settings

BIN = Path(sys.executable).parent


@dataclass
class City:
    """The seeded database and the instance folder every process of the stack reads."""
    folder: Path
    database_name: str
    public_data: Path
    platform: object
    env: dict = field(default_factory=dict)

    def add_user(self, username: str, role: str, ward: str | None = None, department: str | None = None) -> str:
        """A user of the day (through the accounts service) and their API token."""
        with self.platform.database.transaction() as session:
            accounts.create_user(session, username, role, uuid.uuid4().hex, ward=ward, department=department,
                                 actor="bench")
            return accounts.issue_token(session, username)

    def export_public(self) -> None:
        """`okuyami public export` into the public side's folder (as cron runs it)."""
        run_command(["public", "export", "--out", str(self.public_data)], self)

    def database_bytes(self) -> int:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            return admin.execute("SELECT pg_database_size(%s)", (self.database_name,)).fetchone()[0]


def new_city(folder: Path, prefix: str, env: dict | None = None) -> City:
    """A new PostgreSQL database with the demo city (users, models, sample cases), its okuyami.toml in `folder`
    and the public side's export."""
    name = f"okuyami_{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    (folder / "okuyami.toml").write_text(
        f'database_url = "{sqlalchemy_pg_url(name)}"\nsecret_key = "{prefix}-{uuid.uuid4().hex}"\n'
        f'data_key = "{crypto.generate_key()}"\nlog_level = "WARNING"\n', encoding="utf-8")
    from processes.demo.city import seed_demo
    from processes.platform import build_platform

    platform = build_platform(load_settings(folder, environ={}), require_current_schema=False)
    seed_demo(platform)
    city = City(folder, name, folder / "public", platform, dict(env or {}))
    city.export_public()
    return city


def drop_city(city: City) -> None:
    city.platform.database.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{city.database_name}" WITH (FORCE)')


def _environment(city: City) -> dict:
    return {**os.environ, "OKUYAMI_INSTANCE_PATH": str(city.folder), "OKUYAMI_CONVERTERS": "1", **city.env}


def run_command(args: list[str], city: City) -> str:
    """One `okuyami` command against the city; its output, or SystemExit with its error."""
    done = subprocess.run([str(BIN / "okuyami"), *args], cwd=PROJECT_ROOT, env=_environment(city),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"okuyami {args[0]} {args[1] if len(args) > 1 else ''} failed: {done.stderr[-2000:]}")
    return done.stdout


def _start(args: list[str], city: City, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(args, cwd=PROJECT_ROOT, env=_environment(city), stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, start_new_session=True)


def wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


@dataclass
class Stack:
    staff: str
    public: str
    app: subprocess.Popen
    processes: list


@contextmanager
def running_stack(city: City, worker_interval: float = 10) -> Iterator[Stack]:
    """gunicorn (2 processes of 4 threads), 1 worker and the public application against the city, until exit."""
    staff_port, public_port = free_port(), free_port()
    processes = [
        _start([str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{staff_port}",
                "--log-level", "warning", "web.app:create_app()"], city, city.folder / "gunicorn.log"),
        _start([str(BIN / "okuyami"), "worker", "--interval", str(worker_interval)], city, city.folder / "worker.log"),
        _start([str(BIN / "okuyami"), "public", "serve", "--data", str(city.public_data), "--port", str(public_port),
                "--workers", "1"], city, city.folder / "public.log"),
    ]
    # A bench stopped with `kill` (SIGTERM) stops its stack too: without this, Python exits without running the
    # `finally` below and leaves the worker and its converters running.
    previous = signal.signal(signal.SIGTERM, _exit_on_term) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        staff, public = f"http://127.0.0.1:{staff_port}", f"http://127.0.0.1:{public_port}"
        for _ in range(4):   # both gunicorn workers have imported the app
            wait_for(staff + "/healthz")
        wait_for(public + "/navi")
        yield Stack(staff, public, processes[0], processes)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(128 + signum)


def idle_baseline(url: str, count: int = 60) -> float:
    """p95 in ms of GET `url` on the idle app, one request at a time: what a request that does nothing costs."""
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
        seconds.append(time.perf_counter() - started)
    return sorted(seconds)[int(0.95 * (len(seconds) - 1))] * 1000
