"""Issue #12 point 17: the time of one booking through the JSON API (POST /api/v1/cases) on PostgreSQL, in a ward
with 10 running cases and again once the ward has 5,000 (target: within 1.5x). Before the booked count per slot
came from case_visits, every booking decrypted every running case of the ward (13.4 s at 1,500 cases).

    python -m bench.booking [--quick]

The demo city is seeded into a throwaway PostgreSQL database; bookings go through the API as the operator
would make them. The ward is then filled with copies of a running booked case (its workflow row and its
case_visits row, each on a slot of its own), so the bookings measured next count their slot among 5,000. The
figure is the median server time of a booking (in-process test client, no network); the baseline is the same
booking measured in the same run in the small ward. Nothing is asserted: this is a report.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import psycopg
from sqlalchemy import func, insert, select

from bench.fixtures import PG_ADMIN_URL, sqlalchemy_pg_url
from bench.web_pages import write_instance
from engine import accounts
from engine.db.models import ProcessInstance
from engine.settings import load_settings
from processes.calendar import BusinessCalendar, today_jst
from processes.demo.city import seed_demo
from processes.okuyami.booking import booked_counter
from processes.okuyami.visit_models import CaseVisit
from processes.platform import build_platform

WARD = "nakahara"
OPERATOR = "operator1"
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Scale:
    small: int
    large: int
    bookings: int


FULL = Scale(10, 5_000, 40)
QUICK = Scale(10, 5_000, 12)


def reservation(slot: datetime, number: int) -> dict:
    died = (today_jst() - timedelta(days=6)).isoformat()
    registered = (today_jst() - timedelta(days=5)).isoformat()
    return {
        "ward": WARD, "slot_start": slot.isoformat(), "date_of_death": died, "death_registered_on": registered,
        "death_registered_municipality": "川崎市中原区", "relationship": "長女", "representative_heir": True,
        "deceased": {"name": f"試験 太郎{number}", "kana": "シケン タロウ", "address": "川崎市中原区小杉町3-245",
                     "birth_date": "1940-05-05"},
        "applicant": {"name": f"試験 花子{number}", "kana": "シケン ハナコ", "address": "川崎市中原区小杉町1-1",
                      "birth_date": "1968-02-03", "phone": "044-200-0000"},
        "answers": {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
                    "funeral_held": "yes", "cards": ["seal_registration"], "welfare_items": []},
    }


def free_slots(platform, count: int) -> list[datetime]:
    calendar = BusinessCalendar.default()
    first = calendar.earliest_bookable_day(ward=WARD)
    with platform.database.transaction(write=False) as session:
        found = [s.start for s in calendar.slots(WARD, first, first + timedelta(days=count * 3),
                                                 booked=booked_counter(session, None, WARD)) if s.available]
    return found[:count]


def book(client, token: str, slot: datetime, number: int) -> float:
    started = time.perf_counter()
    response = client.post("/api/v1/cases", json=reservation(slot, number), headers={"Authorization": f"Bearer {token}"})
    seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"booking {slot.isoformat()}: HTTP {response.status_code} {response.get_json()}")
    return seconds


def fill_ward(platform, template_id: int, wanted: int) -> int:
    """Copies the template case (workflow row and case_visits row) until the ward has `wanted` running cases; each
    copy holds a slot of its own (minutes apart, long past, so no bookable slot is touched)."""
    columns = ("process_version_id", "process_id", "status", "workflow", "created_by", "wake_at", "ended_at")
    with platform.database.transaction() as session:
        running = session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.ward == WARD, ProcessInstance.status == "running"))
        template = session.get(ProcessInstance, template_id)
        visit = session.get(CaseVisit, template_id)
        row = {name: getattr(template, name) for name in columns}
        now = datetime.now(timezone.utc)
        base = datetime(2020, 1, 6, 0, 0, tzinfo=timezone.utc)
        for start in range(0, max(0, wanted - running), 1000):
            size = min(1000, wanted - running - start)
            ids = session.scalars(insert(ProcessInstance).returning(ProcessInstance.id), [
                dict(row, row_version=1, ward=WARD, created_at=now, updated_at=now) for _ in range(size)]).all()
            session.execute(insert(CaseVisit), [
                {"instance_id": i, "ward": WARD, "channel": "booking", "slot_start": base + timedelta(minutes=start + n),
                 "seat": 1, "visit_on": (base + timedelta(minutes=start + n)).date(), "family": visit.family}
                for n, i in enumerate(ids)])
    with platform.database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
    with platform.database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance).where(
            ProcessInstance.ward == WARD, ProcessInstance.status == "running"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK.bookings} bookings per measurement")
    scale = QUICK if parser.parse_args(argv).quick else FULL
    name = f"okuyami_bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL unreachable ({exc}); this bench needs it.")
        return 1
    try:
        with tempfile.TemporaryDirectory(prefix="okuyami-bench-booking-") as tmp:
            settings = load_settings(write_instance(Path(tmp), sqlalchemy_pg_url(name)), environ={})
            platform = build_platform(settings, require_current_schema=False)
            seed_demo(platform)
            with platform.database.transaction() as session:
                token = accounts.issue_token(session, OPERATOR)
            from web import create_app
            client = create_app(platform=platform).test_client()
            slots = free_slots(platform, scale.small + 2 * scale.bookings + 2)
            if len(slots) < scale.small + 2 * scale.bookings + 2:
                raise SystemExit("not enough free slots in the calendar for this run")
            with platform.database.transaction(write=False) as session:
                running = session.scalar(select(func.count()).select_from(ProcessInstance).where(
                    ProcessInstance.ward == WARD, ProcessInstance.status == "running"))
            numbers = iter(range(1, 10_000))
            for slot in slots[:max(0, scale.small - running)]:          # the small ward: 10 running cases
                book(client, token, slot, next(numbers))
            slots = slots[max(0, scale.small - running):]
            book(client, token, slots.pop(0), next(numbers))            # warm-up: templates, caches
            small = [book(client, token, slots.pop(0), next(numbers)) for _ in range(scale.bookings)]
            with platform.database.transaction(write=False) as session:
                template = session.scalar(select(CaseVisit.instance_id).where(CaseVisit.ward == WARD).limit(1))
            large_count = fill_ward(platform, template, scale.large)
            book(client, token, slots.pop(0), next(numbers))
            large = [book(client, token, slots.pop(0), next(numbers)) for _ in range(scale.bookings)]
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    small_ms, large_ms = statistics.median(small) * 1000, statistics.median(large) * 1000
    ratio = large_ms / small_ms
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"\nOne booking through POST /api/v1/cases (PostgreSQL, median of {scale.bookings} bookings each):")
    print(f"  ward with {scale.small:>5,} running cases (baseline)  {small_ms:8.1f} ms")
    print(f"  ward with {large_count:>5,} running cases             {large_ms:8.1f} ms   = {ratio:4.2f}x the baseline; "
          f"target <= {TARGET_RATIO}x: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
