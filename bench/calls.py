"""Issue #16's figures: importing a year of a busy centre's queue_log (500,000 lines) against a bare parse of the
same file in the same run (target: import within 3x of the parse), and a month's statistics (the city's figures
with by_hour) as p95 over repeated runs, beside a plain count of the month's calls (target: p95 < 200 ms on
PostgreSQL). SQLite always; PostgreSQL when it answers at 127.0.0.1:5432.

    python -m bench.calls [--quick]

Nothing is asserted: this is a report.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
from sqlalchemy import func, select

from bench.fixtures import PG_ADMIN_URL, postgres_unreachable_reason, sqlalchemy_pg_url
from bench.worklist import percentile
from engine import crypto
from engine.db.migrate import upgrade
from engine.db.session import Database
from processes.calendar.slots import JST
from processes.calls.importer import import_file
from processes.calls.models import Call
from processes.calls.queue_log import bare_parse
from processes.calls.statistics import Period, statistics

TARGET_RATIO, TARGET_P95_MS = 3.0, 200.0
PARSES = 3
FIRST_DAY = date(2025, 1, 6)
MONTH = Period(date(2025, 6, 1), date(2025, 6, 30))


def write_year(path: Path, lines_wanted: int, rng: random.Random) -> int:
    """Weekdays from FIRST_DAY, calls from 9:00 to 17:00 with 20 agents, until `lines_wanted` lines."""
    written, day, number = 0, FIRST_DAY, 0
    agents = [f"agent{n:02d}" for n in range(20)]
    with open(path, "w", encoding="utf-8") as handle:
        while written < lines_wanted:
            if day.weekday() < 5:
                start = datetime.combine(day, datetime.min.time(), JST) + timedelta(hours=9)
                for agent in agents:
                    handle.write(f"{int(start.timestamp()) - 300}|NONE|NONE|{agent}|AGENTLOGIN|\n")
                written += len(agents)
                moment = start
                while moment.hour < 17 and written < lines_wanted:
                    moment += timedelta(seconds=rng.expovariate(1 / 60))
                    number += 1
                    at, cid, agent = int(moment.timestamp()), f"{number}.1", rng.choice(agents)
                    handle.write(f"{at}|{cid}|okuyami|NONE|ENTERQUEUE||044{rng.randint(1000000, 9999999)}|1\n")
                    wait = int(rng.expovariate(1 / 8))
                    if rng.random() < 0.06:
                        handle.write(f"{at + wait}|{cid}|okuyami|NONE|ABANDON|1|1|{wait}\n")
                        written += 2
                        continue
                    talk = int(rng.lognormvariate(5.3, 0.4))
                    handle.write(f"{at + wait}|{cid}|okuyami|{agent}|CONNECT|{wait}|{cid}.2|2\n"
                                 f"{at + wait + talk}|{cid}|okuyami|{agent}|COMPLETECALLER|{wait}|{talk}|1\n"
                                 f"{at + wait + talk}|NONE|NONE|{agent}|PAUSE|ACW\n"
                                 f"{at + wait + talk + 40}|NONE|NONE|{agent}|UNPAUSE|\n")
                    written += 5
                end = int((start + timedelta(hours=8, minutes=15)).timestamp())
                for agent in agents:
                    handle.write(f"{end}|NONE|NONE|{agent}|AGENTLOGOFF|\n")
                written += len(agents)
            day += timedelta(days=1)
    return written


def time_import(database: Database, path: Path) -> tuple[float, float, float, float, int]:
    """Wall and this process's CPU seconds (all its threads) of the bare parse (the best of PARSES, so that a noisy
    machine can only make the ratio stricter) and of the import."""
    parse_s = parse_cpu = float("inf")
    for _ in range(PARSES):
        started, cpu = time.perf_counter(), time.process_time()
        with open(path, encoding="utf-8") as handle:
            bare_parse(handle)
        parse_s, parse_cpu = min(parse_s, time.perf_counter() - started), min(parse_cpu, time.process_time() - cpu)
    started, cpu = time.perf_counter(), time.process_time()
    result = import_file(database, path)
    return parse_s, parse_cpu, time.perf_counter() - started, time.process_time() - cpu, result.added


def time_statistics(database: Database, runs: int) -> tuple[float, float]:
    figures, counts = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with database.transaction(write=False) as session:
            statistics(session, MONTH)
        figures.append(time.perf_counter() - started)
        started = time.perf_counter()
        with database.transaction(write=False) as session:
            session.scalar(select(func.count()).select_from(Call).where(
                Call.entered_at >= MONTH.start, Call.entered_at < MONTH.end))
        counts.append(time.perf_counter() - started)
    return percentile(figures, 0.95) * 1000, percentile(counts, 0.95) * 1000


def report(name: str, database: Database, path: Path, lines: int, runs: int) -> None:
    upgrade(database)
    parse_s, parse_cpu, import_s, import_cpu, calls = time_import(database, path)
    print(f"{name}: {lines:,} lines, {calls:,} calls: bare parse {lines / parse_s:,.0f} lines/s, "
          f"import {lines / import_s:,.0f} lines/s -> import takes {import_s / parse_s:.1f}x the parse "
          f"(target <= {TARGET_RATIO:g}x); this process's CPU: import {import_cpu / max(parse_cpu, 1e-6):.1f}x "
          f"the parse's (the database server's own work not counted)")
    p95, count_p95 = time_statistics(database, runs)
    print(f"{name}: a month's statistics p95 {p95:.1f} ms against a count of the month's calls {count_p95:.1f} ms "
          f"({p95 / max(count_p95, 0.001):.1f}x; target p95 < {TARGET_P95_MS:g} ms on PostgreSQL)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="50,000 lines and fewer runs")
    args = parser.parse_args()
    lines_wanted, runs = (50_000, 5) if args.quick else (500_000, 20)
    crypto.configure([crypto.generate_key()])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "queue_log"
        lines = write_year(path, lines_wanted, random.Random(16))
        report("SQLite", Database(f"sqlite:///{Path(folder) / 'bench.db'}"), path, lines, runs)
        reason = postgres_unreachable_reason()
        if reason:
            print(f"PostgreSQL: skipped ({reason})")
            return
        name = f"okuyami_bench_calls_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            postgres = Database(sqlalchemy_pg_url(name))
            report("PostgreSQL", postgres, path, lines, runs)
            postgres.dispose()
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
