"""Issue #20, 1: a business day of all Japan (about 6,500 families) on one node: the real application over HTTP,
2 app processes (gunicorn) and 1 `okuyami worker` on PostgreSQL, the public side beside them.

    python -m bench.japan_day [--quick] [--cases N]

The day, compressed: the families' bookings (4 in 5 by phone through the API, 1 in 5 as online requests sent to
the public side and taken in by `okuyami public pull`, then confirmed by an operator) with their interviews, about
3 contact records and 5 FAQ searches per case, the pre-check of each department the interview involves, the
visits with check-in and check-out, the follow-up calls, the timers that fall due (the families' reminders, the
survey's 14 days) and about 10 worklist and case-page reads per completed task. The wards are set up for that
volume through the administration service the ward screen uses (4 slots a day of 20 families; visits take 90
minutes). Since a
visit is booked at least 4 business days ahead and checked in only on its day, every process of the stack runs on
a movable clock (bench/shifted_clock.py): the bookings and pre-checks on a booking day, the visits on their visit
days, then 15 days later for the survey's timers; the time spent moving the clock is not counted.

Prints the day's wall time against 8 hours (the headroom), p50/p95 per operation type, completed tasks per second,
the database's growth per case and the errors, for each size (650, 6,500 and 65,000 cases; --quick: 6,500 only;
--cases N: one day of N), then the cost per case at each size. The summary ends with `headroom: N×` (of the
6,500-case day, or of the one day run) and `errors: N`; exits 1 on any error.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.app_stack import drop_city, new_city, running_stack  # noqa: E402
from bench.japan_day_clock import DayClock  # noqa: E402
from bench.japan_day_plan import plan_day  # noqa: E402
from bench.japan_day_steps import DayResult, Steps  # noqa: E402
from bench.timed_http import TimedHttp  # noqa: E402

BUSINESS_DAY_SECONDS = 8 * 3600
CLIENTS = 8   # staff working at once (the app's 2 processes serve 4 requests each)


def run_day(cases: int) -> DayResult:
    plan = plan_day(cases)
    folder = Path(tempfile.mkdtemp(prefix="okuyami-japan-day-"))
    clock = DayClock(folder / "clock.json")
    print(f"japan_day: {cases} cases; seeding the demo city in a new PostgreSQL database ({folder})", flush=True)
    city = new_city(folder, "japan_day", env=clock.environment())
    try:
        steps = Steps(city, plan, clock, TimedHttp())
        steps.configure_wards()
        with running_stack(city, worker_interval=5) as stack, ThreadPoolExecutor(CLIENTS) as pool:
            steps.start(stack, pool)
            return steps.day()
    finally:
        drop_city(city)


def print_day(result: DayResult) -> None:
    print(f"\nday of {result.cases} cases: wall time {result.seconds:.1f} s = {result.seconds / 3600:.2f} h "
          f"against 8 h: headroom {BUSINESS_DAY_SECONDS / result.seconds:.2f}× (target ≥ 50×)")
    print(f"{'operation':<28}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}")
    for operation, (count, p50, p95) in result.percentiles.items():
        print(f"{operation:<28}{count:>8}{p50:>9.0f}{p95:>9.0f}")
    print(f"completed tasks: {result.completed_tasks} = {result.completed_tasks / result.seconds:.2f} per second; "
          f"reads: {result.reads} = {result.reads / max(result.completed_tasks, 1):.1f} per completed task; "
          f"contact records {result.contacts}, FAQ searches {result.searches}; timers fired {result.timers_fired}; "
          f"print packets made {result.packets}")
    print(f"database: +{result.database_bytes / 1e6:.1f} MB = {result.database_bytes / result.cases / 1024:.1f} KiB "
          f"per case; app CPU {result.app_cpu_seconds:.0f} s = {result.app_cpu_seconds / result.cases * 1000:.0f} ms "
          f"per case (gunicorn's {result.app_cpu_seconds - result.worker_cpu_seconds:.0f} s and the worker's "
          f"{result.worker_cpu_seconds:.0f} s, its LibreOffice converters included); PostgreSQL CPU "
          f"{result.database_cpu_seconds:.0f} s = {result.database_cpu_seconds / result.cases * 1000:.0f} ms per case")
    print(f"load average at the end: {result.load_average}")
    for error, count in Counter(e[:160] for e in result.errors).most_common(10):
        print(f"  {count} x error: {error}")


def print_costs(results: list[DayResult]) -> None:
    print("\ncost per case at each size")
    print(f"{'cases':>8}{'wall s':>9}{'ms/case':>9}{'app CPU ms/case':>16}{'PG CPU ms/case':>15}{'KiB/case':>10}"
          f"{'x smallest':>12}")
    first = results[0].seconds / results[0].cases
    for result in results:
        per_case = result.seconds / result.cases
        print(f"{result.cases:>8}{result.seconds:>9.0f}{per_case * 1000:>9.0f}"
              f"{result.app_cpu_seconds / result.cases * 1000:>16.0f}"
              f"{result.database_cpu_seconds / result.cases * 1000:>15.0f}{result.database_bytes / result.cases / 1024:>10.1f}"
              f"{per_case / first:>12.2f}")
    print("target: the cost per case at 65,000 within 1.2× of that at 650; headroom ≥ 50×; 0 errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 6,500-case day only")
    parser.add_argument("--cases", type=int, help="one day of N cases (for development, or a slow machine)")
    options = parser.parse_args()
    sizes = [options.cases] if options.cases else [6500] if options.quick else [650, 6500, 65000]
    results = []
    for size in sizes:
        results.append(run_day(size))
        print_day(results[-1])
    print_costs(results)
    headline = next((r for r in results if r.cases == 6500), results[-1])
    errors = sum(len(r.errors) for r in results)
    print(f"headroom: {BUSINESS_DAY_SECONDS / headline.seconds:.1f}×")
    print(f"errors: {errors}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
