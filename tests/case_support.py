"""Fixtures for tests that walk the real case process (bpmn/okuyami_case.bpmn) at a fixed time."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.runtime import WorkflowRuntime
from engine.settings import PROJECT_ROOT, load_settings
from processes.okuyami.services import SERVICES
from processes.okuyami.task_deadlines import task_deadline
from processes.platform import check_rules

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=JST)          # a Tuesday
VISIT = datetime(2026, 12, 3, 10, 30, tzinfo=JST)        # the following Thursday week
MOVED_VISIT = datetime(2026, 12, 8, 13, 0, tzinfo=JST)   # a Tuesday
ANSWERED_NO = ("care_certification", "care_cost_limit_certificate", "care_services_used", "medical_costs_last_2y",
               "moped_or_small_vehicle", "income_in_year_of_death", "child_allowance_recipient",
               "child_medical_guardian", "single_parent_medical_recipient", "deceased_used_nursery",
               "household_child_in_nursery", "food_business_operator", "clinic_operator", "atomic_bomb_survivor")


def reservation(answers: dict | None = None, **changes) -> dict:
    """A booking for 中原区 on VISIT by a family that answered every question; `answers` adds to the interview,
    `changes` replace top-level fields."""
    body = {
        "ward": "nakahara", "slot_start": VISIT.isoformat(), "date_of_death": "2026-11-20",
        "death_registered_on": "2026-11-21", "death_registered_municipality": "川崎市中原区",
        "deceased": {"name": "川崎 太郎", "kana": "カワサキ タロウ", "address": "川崎市中原区小杉町3-245",
                     "birth_date": "1940-05-05"},
        "applicant": {"name": "川崎 花子", "kana": "カワサキ ハナコ", "address": "川崎市中原区小杉町3-245",
                      "birth_date": "1968-02-03", "phone": "044-200-0000"},
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
