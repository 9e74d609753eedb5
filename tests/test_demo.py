"""The demo city: a dozen cases at every step of the journey, in several wards, so every screen has content."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import accounts
from engine.db.models import AuditEntry, ProcessInstance
from processes.demo.cases import seed_demo_cases
from processes.demo.city import DEMO_USERS, seed_demo
from tests.case_support import NOW


def test_the_demo_cases_cover_every_step_of_the_journey(case_runtime, database, clock):
    rt = case_runtime
    report = seed_demo_cases(rt)
    # A deadline already past when set fires at the worker's next pass, a few minutes later.
    overdue = int(next(line for line in report if "期限超過" in line).split()[1].rstrip(":"))
    clock.move_to(NOW + timedelta(minutes=5))
    rt.wake(overdue)
    assert len(report) >= 12
    with database.transaction(write=False) as session:
        instances = list(session.execute(select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.ward)))
    assert len(instances) >= 12
    assert {ward for _, _, ward in instances} >= {"nakahara", "kawasaki", "saiwai", "takatsu", "miyamae", "asao"}
    open_steps = Counter(t.spec_name for t in rt.list_tasks(limit=500))
    assert open_steps["booking"] == 1                        # a call still being taken
    assert open_steps["walkin_intake"] == 0 and open_steps["visit"] >= 3   # two booked, one walk-in
    assert open_steps["precheck"] >= 9 and open_steps["followup_call"] == 1
    data = {case_id: rt.instance_data(case_id) for case_id, _, _ in instances}
    assert sum(1 for d in data.values() if "cancelled_on" in d) == 1
    assert sum(1 for d in data.values() if "closed_on" in d) == 1
    assert sum(1 for d in data.values() if "overdue_recorded_at" in d) == 1
    assert sum(1 for d in data.values() if d.get("channel") == "walk_in") == 1
    moved = [d for d in data.values() if d.get("booking_change")]
    assert len(moved) == 1 and moved[0]["slot_start"] == moved[0]["booking_change"]["slot_start"]
    partly = [c for c, _, _ in instances
              if [t.department for t in rt.list_tasks(instance_id=c, state="COMPLETED", role="dept_staff")] == ["kumin"]
              and rt.list_tasks(instance_id=c, role="dept_staff")]
    assert len(partly) == 1                                  # 区民課 done, the others still open
    starts = [(d["ward"], d["slot_start"]) for d in data.values() if d.get("slot_start")]
    assert len(starts) == len(set(starts))                   # no two demo bookings share a slot


def test_the_visit_screen_has_a_family_already_checked_in(case_runtime, database):
    seed_demo_cases(case_runtime)
    with database.transaction(write=False) as session:
        checked_in = list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "visit.checked_in")))
    assert len(checked_in) == 1 and datetime.fromisoformat(checked_in[0]["at"]).tzinfo is not None


def test_seeding_the_demo_twice_adds_nothing_the_second_time(api_app, database):
    platform = api_app.extensions["okuyami"]
    first = seed_demo(platform)
    assert sum(line.startswith("case ") for line in first) >= 12
    assert [u.username for u in DEMO_USERS if f"user {u.username} ({u.role})" in first] == [u.username for u in DEMO_USERS]
    assert seed_demo(platform) == []
    with database.transaction(write=False) as session:                  # README: every demo user, okuyami-demo
        signs_in = {u.username: accounts.password_matches(accounts.get_user(session, u.username), "okuyami-demo")
                    for u in DEMO_USERS}
    assert signs_in == {u.username: True for u in DEMO_USERS}
