"""What the benchmarks and the tests both set up: the PostgreSQL server they make throwaway databases on, and the
small sample models (a three-task review process with a priority decision, a reminder waiting on a timer) deployed
under the city's lane rules. The model files sit with the tests' fixtures (tests/fixtures/); this module is the one
place that names them. tests/support.py takes these from here; bench/ imports nothing from tests/."""
from __future__ import annotations

import http.client
import os
import socket
import threading
import time

import psycopg

from engine.registry import ModelRegistry, ModelSource
from engine.registry.checks import CheckRules
from engine.settings import PROJECT_ROOT
from processes.roles import lane_policy

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
FIXTURE_MODELS = FIXTURES / "models"
FIXTURE_FORMS = FIXTURES / "forms" / "tasks"
PG_ADMIN_URL = os.environ.get("OKUYAMI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def fixture_sources(*names: str) -> list[ModelSource]:
    """The sample models by file name; the review process and its priority decision when none is named."""
    names = names or ("review.bpmn", "priority.dmn")
    return [ModelSource.from_path(FIXTURE_MODELS / n) for n in names]


def make_registry() -> ModelRegistry:
    """A registry checking models against the city's lane roles and the sample task forms."""
    return ModelRegistry(CheckRules(lanes=lane_policy(), form_exists=lambda name: (FIXTURE_FORMS / name).is_file()))


def postgres_unreachable_reason() -> str | None:
    """None when the PostgreSQL server at PG_ADMIN_URL answers, else a one-line reason."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        lines = str(exc).strip().splitlines()
        return lines[0] if lines else type(exc).__name__


def sqlalchemy_pg_url(database: str) -> str:
    """The SQLAlchemy URL of `database` on the PG_ADMIN_URL server."""
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, attempts: int = 100) -> None:
    """Until a server started in the background accepts connections on 127.0.0.1:`port` (at most ~20 s)."""
    for _ in range(attempts):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)


def requests_per_second(port: int, path: str, seconds: float, clients: int = 4,
                        headers: dict[str, str] | None = None) -> float:
    """GET `path` on 127.0.0.1:`port` from `clients` keep-alive connections (threads of this process) for `seconds`;
    the completed requests per second. Anything but 200 stops the benchmark."""
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def run(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path}: HTTP {response.status}")
            done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)
