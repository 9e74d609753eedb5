"""Issue #4's and issue #20's figures: server time of the worklist page (the completed-tasks tab included) and of
the case screen at a country's size, 65,000 running cases and 1,000,000 completed tasks in PostgreSQL, and the
worklist's requests per second with 2 app processes (gunicorn, as deploy/ runs it), beside a static file served by
the same app in the same run.

    python -m bench.web_pages [--quick] [--rebuild]

The data (bench/country_data.py) is the demo city seeded through the real code, its rows copied with COPY up to
that size; it is kept between runs (building it takes minutes). Server time is measured in-process with Flask's
test client (no network); requests per second against gunicorn with 2 worker processes in the background, with
keep-alive clients. Nothing is asserted: this is a report (targets: p95 of each page <= 50 ms, the worklist
>= 300 requests/s).
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
from sqlalchemy import select

from bench.country_data import country_data
from bench.fixtures import free_port, requests_per_second, wait_for_port
from bench.worklist import percentile
from engine import crypto
from engine.db.models import ProcessInstance
from engine.settings import load_settings
from processes.demo.city import DEMO_PASSWORD
from processes.platform import build_platform

TARGET_P95_MS = 50.0
TARGET_RPS = 300.0
WORKLIST_USER = "kumin_nakahara"
CASE_USER = "operator1"
SUPERVISOR = "supervisor1"
APP_SETTINGS = {"demo": True, "log_level": "WARNING"}
"""The demo city's accounts sign in with the demo password alone; one log line per request is not measured."""


@dataclass(frozen=True)
class Scale:
    cases: int
    completed_tasks: int
    requests: int
    load_seconds: float


FULL = Scale(65_000, 1_000_000, 300, 10.0)
QUICK = Scale(2_000, 20_000, 60, 3.0)


@dataclass
class Timing:
    median_ms: float
    p95_ms: float


def _timing(seconds: list[float]) -> Timing:
    return Timing(percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000)


def write_instance(folder: Path, database_url: str) -> Path:
    """An instance folder for a throwaway database (bench/booking.py): its URL, a session secret, a data key."""
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database_url}"\nsecret_key = "{secrets.token_urlsafe(32)}"\n'
        f'data_key = "{crypto.generate_key()}"\n', encoding="utf-8")
    return folder


def logged_in_client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    if response.status_code not in (302, 303):
        raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")
    return client


def server_times(client, paths: list[str]) -> Timing:
    for path in paths[:10]:  # warm-up: template compilation, caches
        client.get(path)
    seconds = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {response.status_code}")
    return _timing(seconds)


def start_gunicorn(folder: Path, port: int) -> subprocess.Popen:
    """The staff application as deploy/okuyami-web@.service runs it: gunicorn with 2 worker processes."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen([str(gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
                             "web.app:create_app()"], cwd=Path(__file__).resolve().parent.parent,
                            env={**os.environ, "OKUYAMI_INSTANCE_PATH": str(folder),
                                 **{f"OKUYAMI_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
                                    for k, v in APP_SETTINGS.items()}})


def wait_until_serving(port: int, seconds: float = 180) -> None:
    """Until both worker processes answer (gunicorn listens before its workers have imported the app)."""
    deadline = time.monotonic() + seconds
    answered = 0
    while answered < 4:
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn on port {port} did not answer within {seconds:.0f} s")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/static/css/app.css")
            answered += connection.getresponse().status == 200
            connection.close()
        except OSError:
            time.sleep(0.5)


def http_login(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    body = urlencode({"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1) if token else ""})
    connection.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                             "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    session_cookie = response.getheader("Set-Cookie", "").split(";")[0]
    if response.status not in (302, 303) or not session_cookie:
        raise SystemExit(f"HTTP login as {username} failed: {response.status}")
    return session_cookie


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 cases and 20,000 completed tasks")
    parser.add_argument("--rebuild", action="store_true", help="build the kept data again")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    rng = random.Random(4)
    try:
        data = country_data(scale.cases, scale.completed_tasks, rebuild=args.rebuild)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL unreachable ({exc}); this bench needs it.")
        return 1
    built = f"built in {data.built_seconds:.0f} s" if data.built_seconds is not None else "kept from an earlier run"
    print(f"PostgreSQL database {data.database}: {data.cases:,} cases, {data.tasks:,} tasks ({built})")
    platform = build_platform(load_settings(data.folder, environ={}, **APP_SETTINGS))
    server = None
    try:
        with platform.database.transaction(write=False) as session:
            case_ids = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.status == "running")))

        from web import create_app
        app = create_app(platform=platform)
        app.config.update(WTF_CSRF_ENABLED=False)
        static = server_times(app.test_client(), ["/static/css/app.css"] * scale.requests)
        worklist_client = logged_in_client(app, WORKLIST_USER)
        worklist = server_times(worklist_client, ["/tasks"] * scale.requests)
        completed = server_times(worklist_client, ["/tasks?tab=completed"] * scale.requests)
        completed_deep = server_times(worklist_client, [f"/tasks?tab=completed&page={rng.randint(2, 20)}"
                                                        for _ in range(scale.requests)])
        supervisor_client = logged_in_client(app, SUPERVISOR)
        supervisor_group = server_times(supervisor_client, ["/tasks?tab=group"] * scale.requests)
        supervisor_overdue = server_times(supervisor_client, ["/tasks?tab=overdue"] * scale.requests)
        supervisor_completed = server_times(supervisor_client, ["/tasks?tab=completed"] * scale.requests)
        case_paths = [f"/cases/{rng.choice(case_ids)}" for _ in range(scale.requests)]
        case_screen = server_times(logged_in_client(app, CASE_USER), case_paths)

        port = free_port()
        server = start_gunicorn(data.folder, port)
        wait_for_port(port)
        wait_until_serving(port)
        cookie = http_login(port, WORKLIST_USER)
        rps_static = requests_per_second(port, "/static/css/app.css", scale.load_seconds, headers={"Cookie": cookie})
        rps_worklist = requests_per_second(port, "/tasks", scale.load_seconds, headers={"Cookie": cookie})
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        platform.database.dispose()

    print(f"\nServer time, {scale.requests} requests each (PostgreSQL, {data.cases:,} cases, {data.tasks:,} tasks):")
    print(f"  static file (baseline)  median {static.median_ms:7.2f} ms   p95 {static.p95_ms:7.2f} ms")
    for label, timing in (("worklist page", worklist), ("completed-tasks tab", completed),
                          ("case screen", case_screen)):
        verdict = "met" if timing.p95_ms <= TARGET_P95_MS else "MISSED"
        print(f"  {label:<22}  median {timing.median_ms:7.2f} ms   p95 {timing.p95_ms:7.2f} ms   "
              f"= {timing.p95_ms / static.p95_ms:5.1f}x the static file; target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}")
    print("  other tabs (no target of their own):")
    for label, timing in (("completed, pages 2-20", completed_deep), ("group, supervisor", supervisor_group),
                          ("overdue, supervisor", supervisor_overdue), ("completed, supervisor", supervisor_completed)):
        print(f"    {label:<22}  median {timing.median_ms:7.2f} ms   p95 {timing.p95_ms:7.2f} ms")
    verdict = "met" if rps_worklist >= TARGET_RPS else "MISSED"
    print(f"\nRequests per second, gunicorn with 2 worker processes, 4 keep-alive clients, {scale.load_seconds:.0f} s"
          " each:")
    print(f"  static file (baseline)  {rps_static:8.1f} req/s")
    print(f"  worklist page           {rps_worklist:8.1f} req/s   = {rps_worklist / rps_static:.2f}x the static file;"
          f" target >= {TARGET_RPS:.0f} req/s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
