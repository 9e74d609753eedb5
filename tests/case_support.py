"""Fixtures for tests that walk the real case process (bpmn/okuyami_case.bpmn) at a fixed time, and the steps
of the journey those tests share: book, pre-check, visit."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.runtime import WorkflowRuntime
from engine.settings import PROJECT_ROOT, load_settings
from processes.okuyami.cases import start_case
from processes.okuyami.services import SERVICES
from processes.okuyami.task_deadlines import task_deadline
from processes.okuyami.visit import check_in
from processes.okuyami.visit_checks import check_visit_completion
from processes.platform import check_rules
from processes.tasks.access import Actor

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=JST)          # a Tuesday
VISIT = datetime(2026, 12, 3, 10, 30, tzinfo=JST)        # the following Thursday week
MOVED_VISIT = datetime(2026, 12, 8, 13, 0, tzinfo=JST)   # a Tuesday
COUNTER = Actor("counter1", "counter", "nakahara", None)
ANSWERED_NO = ("care_certification", "care_cost_limit_certificate", "care_services_used", "medical_costs_last_2y",
               "moped_or_small_vehicle", "income_in_year_of_death", "child_allowance_recipient",
               "child_medical_guardian", "single_parent_medical_recipient", "deceased_used_nursery",
               "household_child_in_nursery", "food_business_operator", "clinic_operator", "atomic_bomb_survivor")


def reservation(answers: dict | None = None, **changes) -> dict:
    """A booking for 中原区 on VISIT by a family that answered every question; `answers` adds to the interview,
    `changes` replace top-level fields. The deceased, the applicant, the 喪主 and the new householder are
    different people at different addresses, so a form box filled from the wrong person shows it."""
    body = {
        "ward": "nakahara", "slot_start": VISIT.isoformat(), "date_of_death": "2026-11-20",
        "death_registered_on": "2026-11-21", "death_registered_municipality": "川崎市中原区",
        "deceased": {"name": "川崎 太郎", "kana": "カワサキ タロウ", "address": "川崎市中原区小杉町3-245",
                     "birth_date": "1940-05-05"},
        "applicant": {"name": "川崎 花子", "kana": "カワサキ ハナコ", "address": "横浜市港北区日吉2-8-14",
                      "birth_date": "1968-02-03", "phone": "044-200-0000"},
        "funeral_host": {"name": "川崎 一郎", "kana": "カワサキ イチロウ", "address": "相模原市中央区富士見6-1-20"},
        "new_householder": {"name": "川崎 和子", "kana": "カワサキ カズコ", "address": "川崎市中原区小杉町3-245-302"},
        "relationship": "長女", "representative_heir": True,
        "answers": {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
                    "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": [],
                    **{key: "no" for key in ANSWERED_NO}, **(answers or {})},
    }
    body.update(changes)
    return body


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case_runtime(database, clock):
    registry = ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused", environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="test")
    return WorkflowRuntime(database, registry, services=SERVICES, deadline_policy=task_deadline)


def only(runtime, **filters):
    [task] = runtime.list_tasks(**filters)
    return task


def book(runtime, **answers):
    case = start_case(runtime, "booking", "operator1", ward="nakahara")
    booking = only(runtime, instance_id=case.id)
    assert (booking.spec_name, booking.role) == ("booking", "operator")
    dates = {"deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"}
    runtime.complete_task(booking.id, reservation({**dates, **answers}), "operator1")
    return case


def book_visit(runtime, visit_start: datetime, died_on: str = "2026-11-20", **changes):
    """A booking for the visit at `visit_start` (the interview as `reservation()` answers it)."""
    case = start_case(runtime, "booking", "operator1", ward="nakahara")
    [booking] = runtime.list_tasks(instance_id=case.id)
    dates = {"deceased_birth_date": "1940-05-05", "date_of_death": died_on}
    runtime.complete_task(booking.id, reservation(dates, slot_start=visit_start.isoformat(), **changes), "operator1")
    return case


def precheck_everything(runtime, case):
    for task in runtime.list_tasks(instance_id=case.id, role="dept_staff"):
        assignment = runtime.task_data(task.id)["assignment"]
        assert {p["department"] for p in assignment["procedures"]} == {task.department}
        decisions = [{"id": p["id"], "action": "confirm"} for p in assignment["procedures"]]
        runtime.complete_task(task.id, {"precheck_result": {"decisions": decisions}}, f"{task.department}-staff")


def visit(runtime, case, followup: bool, clock):
    """The family comes on the day of its slot: the clock moves there (never back), the counter checks them in,
    guides them for 70 minutes and checks them out, through the same checks as the counter's screen."""
    task = only(runtime, instance_id=case.id)
    assert (task.spec_name, task.role, task.ward) == ("visit", "counter", "nakahara")
    slot = datetime.fromisoformat(runtime.instance_data(case.id)["slot_start"]).astimezone(JST)
    arrived = max(datetime.now(JST), slot + timedelta(minutes=5))
    clock.move_to(arrived)
    with runtime.db.transaction() as session:
        check_in(session, runtime, COUNTER, case.id)
    clock.move_to(arrived + timedelta(minutes=70))
    with runtime.db.transaction() as session:
        data = {"checked_in_at": arrived.isoformat(), "checked_out_at": datetime.now(JST).isoformat(),
                "outcomes": [{"id": "JU03", "outcome": "corner"}], "followup_requested": followup}
        check_visit_completion(session, case.id, data)
        return runtime.complete_task(task.id, data, COUNTER.username, session=session)
