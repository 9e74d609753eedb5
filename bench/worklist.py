"""Figure 3: a big human_tasks table (bulk-inserted rows) and the latency of listing one role's open tasks."""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterator

from sqlalchemy import event, func, insert, select, text

from bench.backends import Backend
from engine.db.models import HumanTask, ProcessInstance

ROLES = ("operator", "dept_staff", "counter", "supervisor")
WARDS = ("kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao")
DEPARTMENTS = ("shimin", "hoken", "nenkin", "zeimu", "fukushi")
TASKS_BY_ROLE = {"operator": ("intake", "予約受付", "コールセンター"), "dept_staff": ("precheck", "事前確認", "dept_staff"),
                 "counter": ("visit", "来庁対応", "おくやみコーナー"),
                 "supervisor": ("escalate", "エスカレーション対応", "スーパーバイザー")}
LISTED_ROLE = "dept_staff"
_CHUNK = 10_000


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float


@dataclass
class WorklistResult:
    completed: int
    open: int
    listing: Latency
    select_one: Latency
    plan: str

    @property
    def ratio(self) -> float:
        return self.listing.p95_ms / self.select_one.p95_ms


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _latency(seconds: list[float]) -> Latency:
    return Latency(percentile(seconds, 0.50) * 1000, percentile(seconds, 0.95) * 1000)


def _placeholder_instances(backend: Backend, count: int, start_data: dict) -> list[int]:
    """Copies of one real instance's row, for the task rows to point at (human_tasks.instance_id is a FK)."""
    summary = backend.runtime.start("review", "bench", data=start_data, ward=WARDS[0])
    now = datetime.now(timezone.utc)
    with backend.db.transaction() as s:
        template = s.get(ProcessInstance, summary.id)
        copied = {name: getattr(template, name)
                  for name in ("process_version_id", "process_id", "status", "workflow", "created_by")}
        s.execute(insert(ProcessInstance), [dict(copied, row_version=1, ward=WARDS[i % len(WARDS)], created_at=now,
                                                 updated_at=now) for i in range(count)])
        return list(s.scalars(select(ProcessInstance.id)))


def _task_rows(rng: random.Random, instance_ids: list[int], state: str, count: int, now: datetime) -> Iterator[dict]:
    done = state != "READY"
    for i in range(count):
        role = ROLES[i % len(ROLES)]
        spec_name, title, lane = TASKS_BY_ROLE[role]
        created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 365))
        yield {
            "instance_id": rng.choice(instance_ids), "task_id": f"bench-{state.lower()}-{i:09d}",
            "spec_name": spec_name, "title": title, "form": f"{spec_name}.json", "lane": lane, "role": role,
            "ward": rng.choice(WARDS), "department": rng.choice(DEPARTMENTS) if role == "dept_staff" else None,
            "state": state, "assignee": f"user{rng.randint(1, 300)}" if done or rng.random() < 0.2 else None,
            # Most open tasks carry a due date, some do not (NULLs sort last in the worklist).
            "due_at": created + timedelta(days=rng.randint(1, 14)) if rng.random() < 0.8 else None,
            "created_at": created, "completed_at": created + timedelta(hours=1) if done else None,
            "completed_by": f"user{rng.randint(1, 300)}" if done else None,
        }


def _insert_tasks(backend: Backend, rows: list[dict]) -> None:
    with backend.db.transaction() as s:
        if not backend.is_postgres:
            s.execute(insert(HumanTask.__table__), rows)
            return
        # COPY: some 20× faster than executemany for a hundred thousand rows.
        columns = list(rows[0])
        cursor = s.connection().connection.driver_connection.cursor()
        with cursor.copy(f"COPY human_tasks ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])


def seed_worklist(backend: Backend, completed: int, open_: int, instances: int, start_data: dict) -> tuple[int, int]:
    """Tops human_tasks up to `completed` COMPLETED and `open_` READY rows; returns the final counts."""
    rng = random.Random(20240601)
    instance_ids = _placeholder_instances(backend, instances, start_data)
    now = datetime.now(timezone.utc)
    with backend.db.transaction() as s:
        have = dict(s.execute(select(HumanTask.state, func.count()).group_by(HumanTask.state)).all())
    for state, wanted in (("COMPLETED", completed), ("READY", open_)):
        rows = _task_rows(rng, instance_ids, state, max(0, wanted - have.get(state, 0)), now)
        while chunk := [row for _, row in zip(range(_CHUNK), rows)]:
            _insert_tasks(backend, chunk)
    with backend.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if backend.is_postgres:
            connection.exec_driver_sql("ANALYZE")
    with backend.db.transaction(write=False) as s:
        final = dict(s.execute(select(HumanTask.state, func.count()).group_by(HumanTask.state)).all())
    return final.get("COMPLETED", 0), final.get("READY", 0)


def _query_plan(backend: Backend, call: Callable[[], object]) -> str:
    """The plan of the statement `call` sends, captured as it goes out (so it is exactly the runtime's query)."""
    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "human_tasks" in statement:
            captured.append((statement, parameters))

    event.listen(backend.db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(backend.db.engine, "before_cursor_execute", capture)
    statement, parameters = captured[0]
    with backend.db.engine.connect() as connection:
        if backend.is_postgres:
            lines = [row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)]
            return " / ".join(line.split("  (cost")[0].strip(" ->") for line in lines if "(cost" in line)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return " / ".join(row[-1] for row in rows)


def time_worklist(backend: Backend, repeats: int, counts: tuple[int, int], warmup: int = 10) -> WorklistResult:
    runtime, db = backend.runtime, backend.db

    def listing() -> None:
        rows = runtime.list_tasks(role=LISTED_ROLE, limit=100)
        if len(rows) != 100 or any(r.role != LISTED_ROLE or r.state != "READY" for r in rows):
            raise RuntimeError(f"list_tasks returned {len(rows)} rows, not 100 open {LISTED_ROLE} tasks")

    def select_one() -> None:
        with db.transaction(write=False) as s:
            s.execute(text("SELECT 1")).scalar_one()

    timings: dict[Callable[[], None], list[float]] = {listing: [], select_one: []}
    for _ in range(warmup):
        listing(), select_one()
    for _ in range(repeats):  # interleaved, so that both see the same load on the machine
        for call, seconds in timings.items():
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
    return WorklistResult(*counts, _latency(timings[listing]), _latency(timings[select_one]),
                          _query_plan(backend, listing))
