"""Engine benchmarks against stock SpiffWorkflow: persistence overhead, stored size and worklist latency.

    python -m bench.engine [--quick] [--no-postgres]

Every figure is printed as a ratio against a baseline measured in the same run, with the absolute numbers and
its target. Nothing is asserted: this is a report. See bench/README.md for what each figure means.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import zlib
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

if __package__ in (None, ""):
    # Run as a file: sys.path[0] is bench/, where this module would shadow the `engine` package.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, text

from bench.backends import Backend, postgres_backend, sqlite_backend
from bench.fixtures import FIXTURE_MODELS, PG_ADMIN_URL, postgres_unreachable_reason
from bench.worklist import WorklistResult, seed_worklist, time_worklist
from engine import crypto
from engine.serialization import WorkflowCodec

PROCESS_ID = "review"
FLOOR_STATEMENT = text("UPDATE users SET failed_logins = failed_logins WHERE id = -1")
DURABLE_FLOOR_TABLE = text("CREATE TABLE bench_floor (id integer PRIMARY KEY, n integer NOT NULL)")
DURABLE_FLOOR_ROW = text("INSERT INTO bench_floor (id, n) VALUES (1, 0)")
DURABLE_FLOOR_STATEMENT = text("UPDATE bench_floor SET n = n + 1 WHERE id = 1")
"""A statement that writes (one small row), so that its commit flushes the log to disk as a step's commit must:
a transaction that changed nothing commits without a flush, and so is no floor for one that did."""
START_DATA = {"age": 70}
TASK_DATA = {"intake": {"procedures": ["JU03", "HN01"]}, "precheck": {"checked": True}, "visit": {"done": True}}
ROLES_IN_ORDER = ("operator", "dept_staff", "counter")
USER_TASKS = len(ROLES_IN_ORDER)
SIZE_POINTS = ("after start", "after 1 of 3 tasks", "after 2 of 3 tasks", "completed")
TARGET_RATIO, TARGET_BYTES, TARGET_P95_MS = 2.0, 0.3, 20.0
TARGET_OWN = 2.0
FLOOR_STATEMENTS = 5
PING = ";"
"""SQLAlchemy's liveness ping of a pooled psycopg connection (an empty statement), which the floor pays too."""
"""What a step needs of the database: read the case, write it, close a task, open the next, write the audit entry."""


@dataclass(frozen=True)
class Scale:
    instances: int
    warmup: int
    size_instances: int
    completed_tasks: int
    open_tasks: int
    placeholder_instances: int
    listing_repeats: int


FULL = Scale(200, 20, 20, 100_000, 5_000, 300, 200)
QUICK = Scale(20, 3, 5, 10_000, 500, 50, 50)


# figure 1 -------------------------------------------------------------------------------------------------
def run_in_memory(spec, subprocess_specs, script_engine, codec: WorkflowCodec | None = None) -> None:
    """One case without a database. With a codec, the workflow is dumped and reloaded after every step."""
    def settle(workflow: BpmnWorkflow) -> BpmnWorkflow:
        workflow.do_engine_steps()
        if codec is None:
            return workflow
        return codec.load_workflow(codec.dump_workflow(workflow), spec, subprocess_specs, script_engine)

    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.task_tree.data.update(START_DATA)
    workflow = settle(workflow)
    completed = 0
    while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
        task = ready[0]
        task.data.update(TASK_DATA[task.task_spec.bpmn_id])
        task.run()
        workflow = settle(workflow)
        completed += 1
    if not workflow.completed or completed != USER_TASKS:
        raise RuntimeError(f"in-memory case ended after {completed} user tasks, completed={workflow.completed}")


def run_persisted(backend: Backend, on_step: Callable[[int, int], None] | None = None) -> None:
    """One case through the service layer, each call its own committed transaction."""
    runtime = backend.runtime
    summary = instance = runtime.start(PROCESS_ID, "bench", data=START_DATA, ward="nakahara")
    if on_step:
        on_step(instance.id, 0)
    for step, task_name in enumerate(TASK_DATA, 1):
        [task_ref] = summary.new_tasks  # the service layer says where the work goes next: no worklist query
        summary = runtime.complete_task(task_ref, TASK_DATA[task_name], "bench")
        if on_step:
            on_step(instance.id, step)
    if summary.status != "completed":
        raise RuntimeError(f"persisted case {instance.id} ended {summary.status}")


def stock_specs() -> tuple[object, dict]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(FIXTURE_MODELS / "review.bpmn"))
    parser.add_dmn_file(str(FIXTURE_MODELS / "priority.dmn"))
    return parser.get_spec(PROCESS_ID), parser.get_subprocess_specs(PROCESS_ID)


def workloads(backends: list[Backend]) -> dict[str, Callable[[], None]]:
    spec, subprocess_specs = stock_specs()
    # The model's script calls today(), which our sandbox provides; stock scripts get the same one global.
    stock_engine = PythonScriptEngine(environment=TaskDataEnvironment({"today": date.today}))
    first = backends[0]
    with first.db.transaction(write=False) as s:
        ours = first.registry.specs(first.registry.live_version(s, PROCESS_ID))
    sandbox, codec = first.runtime.script_engine, first.registry.codec
    found = {
        "raw SpiffWorkflow, in memory": lambda: run_in_memory(spec, subprocess_specs, stock_engine),
        "  + sandbox script engine (no DB)": lambda: run_in_memory(*ours, sandbox),
        "  + codec dump/load per step (no DB)": lambda: run_in_memory(*ours, sandbox, codec),
    }
    for backend in backends:
        found[f"{backend.name}, persisted"] = lambda b=backend: run_persisted(b)
        found[f"  {backend.name} floor: commits only"] = lambda b=backend: run_database_floor(b)
        with backend.db.transaction() as s:
            s.execute(DURABLE_FLOOR_TABLE)
            s.execute(DURABLE_FLOOR_ROW)
        found[f"  {backend.name} floor: durable commits"] = lambda b=backend: run_database_floor(b, durable=True)
    return found


def run_database_floor(backend: Backend, durable: bool = False) -> None:
    """What the database alone costs for one case: its transactions (start + 3 completions, one commit each) and
    the statements a step needs (5 each: read the case, write it, close a task, open the next, audit), with no
    engine, serialisation or encryption. The runtime may send fewer (see statements_per_step). `durable`: each
    statement writes one small row, so that each commit flushes the log as a step's commit does."""
    statement = DURABLE_FLOOR_STATEMENT if durable else FLOOR_STATEMENT
    for _ in range(USER_TASKS + 1):
        with backend.db.transaction() as s:
            connection = s.connection()
            for _ in range(FLOOR_STATEMENTS):
                connection.execute(statement)


def statements_per_step(backend: Backend) -> float:
    """Statements the runtime sends per transaction of one persisted case (the driver's BEGIN and COMMIT and the
    pool's liveness ping not counted, as in the floor). On PostgreSQL they are counted at the driver, since the
    runtime sends a step's own statements there without SQLAlchemy."""
    sent = []

    def count(*_args) -> None:
        sent.append(1)

    if backend.is_postgres:
        real_execute = psycopg.Cursor.execute

        def counted(cursor, query, *args, **kwargs):
            if query != PING:
                sent.append(1)
            return real_execute(cursor, query, *args, **kwargs)

        psycopg.Cursor.execute = counted
        try:
            run_persisted(backend)
        finally:
            psycopg.Cursor.execute = real_execute
        return len(sent) / (USER_TASKS + 1)
    event.listen(backend.db.engine, "before_cursor_execute", count)
    try:
        run_persisted(backend)
    finally:
        event.remove(backend.db.engine, "before_cursor_execute", count)
    return len(sent) / (USER_TASKS + 1)


def time_workloads(cases: dict[str, Callable[[], None]], scale: Scale) -> dict[str, list[float]]:
    for case in cases.values():
        for _ in range(scale.warmup):
            case()
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(scale.instances):  # interleaved, so that every variant sees the same load on the machine
        for name, case in cases.items():
            started = time.perf_counter()
            case()
            seconds[name].append(time.perf_counter() - started)
    return seconds


def report_overhead(seconds: dict[str, list[float]], scale: Scale,
                    statements: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    per_task = {name: statistics.median(s) / USER_TASKS * 1000 for name, s in seconds.items()}
    baseline = next(iter(per_task.values()))
    print(f"\n1. Time per user-task completion: persisted vs raw (target ≤ {TARGET_RATIO:g}× on PostgreSQL)")
    print(f"   {scale.instances} instances per variant after {scale.warmup} warm-up, interleaved; each instance ="
          f" start + {USER_TASKS} user tasks + 1 DMN task; per task = median instance time / {USER_TASKS}")
    print(f"   {'variant':38} {'per task':>10} {'total':>9} {'vs raw':>8}")
    for i, (name, ms) in enumerate(per_task.items()):
        note = "  (baseline)" if i == 0 else (f"  target ≤ {TARGET_RATIO:g}× on PG" if name.endswith("persisted")
                                              else "")
        print(f"   {name:38} {ms:7.3f} ms {sum(seconds[name]):7.2f} s {ms / baseline:7.2f}×{note}")
    own = {}
    print(f"   the runtime's own cost per step = (persisted − durable floor) ÷ raw (target ≤ {TARGET_OWN:g}× on"
          f" PostgreSQL); against the floor whose commits write nothing, in brackets")
    for name in statements:
        persisted = per_task[f"{name}, persisted"]
        own[name] = (persisted - per_task[f"  {name} floor: durable commits"]) / baseline
        lax = (persisted - per_task[f"  {name} floor: commits only"]) / baseline
        print(f"   {name:38} {own[name]:7.2f}× ({lax:.2f}×)  statements sent per transaction:"
              f" {statements[name]:.1f} (the floor sends {FLOOR_STATEMENTS})")
    return {name.split(",")[0]: ms / baseline for name, ms in per_task.items() if name.endswith("persisted")}, own


# figure 2 -------------------------------------------------------------------------------------------------
def measure_sizes(backend: Backend, scale: Scale) -> dict[str, tuple[list[int], list[int], list[int]]]:
    """Per point: stored `workflow` column bytes, stock serialize_json bytes, our spec-less JSON before zlib."""
    sizes: dict[str, tuple[list[int], list[int], list[int]]] = {p: ([], [], []) for p in SIZE_POINTS}
    runtime, codec = backend.runtime, backend.registry.codec
    query = text(f"SELECT {backend.byte_length_sql}(workflow) FROM process_instances WHERE id = :id")

    def measure(instance_id: int, step: int) -> None:
        with backend.db.transaction(write=False) as s:
            stored = s.execute(query, {"id": instance_id}).scalar_one()
            workflow = runtime._load(runtime.store.read(s, instance_id))
        stored_list, stock_list, json_list = sizes[SIZE_POINTS[step]]
        stored_list.append(stored)
        stock_list.append(len(codec.stock_json(workflow).encode()))
        json_list.append(len(zlib.decompress(codec.dump_workflow(workflow))))

    for _ in range(scale.size_instances):
        run_persisted(backend, measure)
    return sizes


def report_sizes(backend: Backend, sizes: dict[str, tuple[list[int], ...]], scale: Scale) -> float:
    print(f"\n2. Stored bytes per instance vs stock serialize_json, {backend.name}"
          f" (target ≤ {TARGET_BYTES:g}; {scale.size_instances} instances, mean bytes)")
    print(f"   {'point':20} {'stock json':>11} {'stored':>8} {'ratio':>7} {'(spec-less json, before zlib)':>31}")
    for point, (stored, stock, json_bytes) in sizes.items():
        print(f"   {point:20} {statistics.mean(stock):11.0f} {statistics.mean(stored):8.0f}"
              f" {statistics.mean(stored) / statistics.mean(stock):7.3f} {statistics.mean(json_bytes):31.0f}")
    all_stored = [n for stored, _, _ in sizes.values() for n in stored]
    all_stock = [n for _, stock, _ in sizes.values() for n in stock]
    ratio = statistics.mean(all_stored) / statistics.mean(all_stock)
    print(f"   {'all points':20} {statistics.mean(all_stock):11.0f} {statistics.mean(all_stored):8.0f} {ratio:7.3f}")
    return ratio


# figure 3 -------------------------------------------------------------------------------------------------
def report_worklist(backend: Backend, result: WorklistResult, scale: Scale) -> None:
    print(f"\n3. Listing one role's open tasks, {backend.name}: list_tasks(role='dept_staff', limit=100)"
          f" (target p95 ≤ {TARGET_P95_MS:g} ms on PostgreSQL)")
    print(f"   human_tasks: {result.completed:,} completed + {result.open:,} open, 4 roles × 7 wards;"
          f" {scale.listing_repeats} calls, interleaved with the baseline")
    print(f"   {'':34} {'p50':>9} {'p95':>9}")
    print(f"   {'SELECT 1 in transaction(write=False)':34} {result.select_one.p50_ms:6.2f} ms"
          f" {result.select_one.p95_ms:6.2f} ms  (baseline)")
    print(f"   {'list_tasks':34} {result.listing.p50_ms:6.2f} ms {result.listing.p95_ms:6.2f} ms"
          f"  p95 ratio {result.ratio:.2f}×")
    print(f"   plan: {result.plan}")


# main -----------------------------------------------------------------------------------------------------
def print_summary(ratios: dict[str, float], own: dict[str, float], byte_ratios: dict[str, float],
                  listings: dict[str, WorklistResult]) -> None:
    figures = (("1. persisted/raw time per task", ratios, TARGET_RATIO, "×", "{:.2f}×", False),
               ("1. own cost per step (persisted − floor) ÷ raw", own, TARGET_OWN, "×", "{:.2f}×", False),
               ("2. stored/stock bytes per instance", byte_ratios, TARGET_BYTES, "", "{:.3f}", True),
               ("3. open-task list p95", {n: r.listing.p95_ms for n, r in listings.items()}, TARGET_P95_MS, " ms",
                "{:.2f} ms", False))
    rows = [("figure", "measured", "target", "ok?")]
    for figure, measured, target, unit, fmt, any_backend in figures:
        for name in ("PostgreSQL", "SQLite"):
            value, binding = measured.get(name), any_backend or name == "PostgreSQL"
            ok = "-" if value is None else ("yes" if value <= target else "NO") if binding else "(PG only)"
            rows.append((f"{figure}, {name}", "skipped" if value is None else fmt.format(value),
                         f"≤ {target:g}{unit}", ok))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print("\nSummary")
    for i, row in enumerate(rows):
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if i == 0:
            print("  " + "-+-".join("-" * width for width in widths))
    if "PostgreSQL" in own:
        print(f"\nown cost per step (PostgreSQL): {own['PostgreSQL']:.2f}×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, for smoke tests")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL figures")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL
    crypto.configure([crypto.generate_key()])
    started = time.perf_counter()
    print(f"okuyami engine benchmark ({'quick' if args.quick else 'full'} run)")

    with ExitStack() as stack:  # the databases are dropped on the way out, also on errors and Ctrl-C
        backends = [stack.enter_context(sqlite_backend())]
        pg_skipped = "--no-postgres given" if args.no_postgres else postgres_unreachable_reason()
        if pg_skipped is None:
            try:
                backends.append(stack.enter_context(postgres_backend()))
            except psycopg.Error as exc:
                pg_skipped = f"could not create a database: {exc}"
        if pg_skipped:
            print(f"PostgreSQL figures skipped ({PG_ADMIN_URL}): {pg_skipped}")

        seconds = time_workloads(workloads(backends), scale)
        statements = {b.name: statements_per_step(b) for b in backends}  # warm: versions and specs cached
        ratios, own = report_overhead(seconds, scale, statements)
        byte_ratios = {b.name: report_sizes(b, measure_sizes(b, scale), scale) for b in backends}
        listings: dict[str, WorklistResult] = {}
        for backend in backends:
            counts = seed_worklist(backend, scale.completed_tasks, scale.open_tasks, scale.placeholder_instances,
                                   START_DATA)
            listings[backend.name] = time_worklist(backend, scale.listing_repeats, counts)
            report_worklist(backend, listings[backend.name], scale)

    print_summary(ratios, own, byte_ratios, listings)
    print(f"\nfinished in {time.perf_counter() - started:.0f} s")
    return 0

if __name__ == "__main__":
    sys.exit(main())
