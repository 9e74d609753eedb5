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
from processes.platform import check_rules

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=JST)          # a Tuesday


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case_runtime(database, clock):
    registry = ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused", environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="test")
    return WorkflowRuntime(database, registry, services=SERVICES)
