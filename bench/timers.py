"""Timer benchmark: one scheduler pass firing the due timers, against completing as many user tasks.

    python -m bench.timers [--quick] [--no-postgres]

10,000 reminder cases wait on a timer (`tests/fixtures/models/reminder.bpmn`: a user task with a 1-hour
boundary timer); 1,000 of them are due (started two hours ago on a moved clock). The figure is the time of one
`fire_due_timers` pass (claim + wake + save, one transaction per case) against the baseline measured in the same
run on the same database: completing 1,000 of the other cases' user tasks through `WorkflowRuntime.complete_task`
(each one also cancels its timer). The workflow cache is emptied before each measurement, as a worker process
that did not start the cases has none. Target: ratio ≤ 1.5 on PostgreSQL. Nothing is asserted.
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
import time_machine
from sqlalchemy import func, select

from bench.backends import Backend, postgres_backend, sqlite_backend
from bench.fixtures import PG_ADMIN_URL, fixture_sources, postgres_unreachable_reason
from engine import crypto
from engine.db.models import Timer
from engine.runtime.instance_store import WorkflowCache
from engine.scheduler import fire_due_timers

TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Scale:
    waiting: int
    due: int


FULL = Scale(10_000, 1_000)
QUICK = Scale(1_000, 100)


@dataclass
class Result:
    waiting: int
    fired: int
    pass_seconds: float
    completions: int
    complete_seconds: float

    @property
    def ratio(self) -> float:
        return self.pass_seconds / self.complete_seconds


def seed(backend: Backend, scale: Scale) -> list[int]:
    """Start the cases: `due` of them two hours ago, the rest now. Returns the not-due cases' callback tasks."""
    with backend.db.transaction() as session:
        backend.registry.deploy(session, fixture_sources("reminder.bpmn"), actor="bench")
    runtime = backend.runtime
    with time_machine.travel(datetime.now(timezone.utc) - timedelta(hours=2)):
        for _ in range(scale.due):
            runtime.start("reminder", "bench", ward="saiwai")
    return [runtime.start("reminder", "bench", ward="saiwai").new_tasks[0] for _ in range(scale.waiting - scale.due)]


def forget_cached_workflows(backend: Backend) -> None:
    backend.runtime.store.cache = WorkflowCache(512)


def measure(backend: Backend, scale: Scale) -> Result:
    callbacks = seed(backend, scale)
    with backend.db.transaction(write=False) as s:
        waiting = s.scalar(select(func.count()).select_from(Timer).where(Timer.state == "WAITING"))
    if backend.is_postgres:
        with backend.db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
    runtime = backend.runtime

    forget_cached_workflows(backend)
    started = time.perf_counter()
    for task_ref in callbacks[:scale.due]:
        runtime.complete_task(task_ref, {}, "bench")
    complete_seconds = time.perf_counter() - started

    forget_cached_workflows(backend)
    started = time.perf_counter()
    fired = fire_due_timers(runtime)
    pass_seconds = time.perf_counter() - started
    return Result(waiting, fired, pass_seconds, scale.due, complete_seconds)


def report(name: str, result: Result) -> None:
    print(f"\n{name}: {result.waiting:,} waiting timers, {result.fired:,} fired by one pass")
    print(f"   {'':40} {'total':>9} {'per item':>10} {'ratio':>7}")
    print(f"   {f'complete {result.completions:,} user tasks (baseline)':40} {result.complete_seconds:7.2f} s"
          f" {result.complete_seconds / result.completions * 1000:7.2f} ms {1:6.2f}×")
    print(f"   {f'one pass firing {result.fired:,} due timers':40} {result.pass_seconds:7.2f} s"
          f" {result.pass_seconds / max(result.fired, 1) * 1000:7.2f} ms {result.ratio:6.2f}×"
          f"  target ≤ {TARGET_RATIO:g}× on PG")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, for smoke tests")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    crypto.configure([crypto.generate_key()])
    started = time.perf_counter()
    print(f"okuyami timer benchmark ({'quick' if args.quick else 'full'} run): {scale.waiting:,} waiting timers,"
          f" {scale.due:,} due")
    results: dict[str, Result] = {}
    with ExitStack() as stack:
        pg_skipped = "--no-postgres given" if args.no_postgres else postgres_unreachable_reason()
        if pg_skipped is None:
            try:
                pg = stack.enter_context(postgres_backend())
                results[pg.name] = measure(pg, scale)
                report(pg.name, results[pg.name])
            except psycopg.Error as exc:
                pg_skipped = f"could not create a database: {exc}"
        if pg_skipped:
            print(f"PostgreSQL skipped ({PG_ADMIN_URL}): {pg_skipped}")
        lite = stack.enter_context(sqlite_backend())
        results[lite.name] = measure(lite, scale)
        report(lite.name, results[lite.name])

    print("\nSummary")
    for name, result in results.items():
        ok = ("yes" if result.ratio <= TARGET_RATIO else "NO") if name == "PostgreSQL" else "(PG only)"
        print(f"  pass / completions, {name}: {result.ratio:.2f}× (target ≤ {TARGET_RATIO:g}×) {ok};"
              f" fired {result.fired:,} of {result.completions:,} due")
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
