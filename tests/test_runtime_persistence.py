"""How a case is stored: one encrypted, compressed, spec-less blob per instance; it survives a restart;
waiting timers are recorded as wake_at and fired by wake()."""
from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.orm import joinedload, undefer

from engine import crypto
from engine.db.models import ProcessInstance, ProcessVersion
from engine.db.session import Database
from engine.runtime import WorkflowRuntime
from tests.support import fixture_sources, make_registry

NAME, ADDRESS = "川崎花子", "川崎市中原区小杉町3-245"
T0 = datetime(2025, 4, 1, 0, 30, tzinfo=timezone.utc)


def raw_instance(database, instance_id) -> bytes:
    with database.engine.connect() as c:
        row = c.execute(text("SELECT workflow FROM process_instances WHERE id = :i"), {"i": instance_id}).one()
    return bytes(row.workflow)


def stored_json(database, instance_id) -> dict:
    return json.loads(zlib.decompress(crypto.keyring().decrypt(raw_instance(database, instance_id))))


def case_at_precheck(runtime):
    case = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": NAME, "address": ADDRESS}},
                         ward="nakahara")
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(intake.id, {"procedures": ["JU03", "KA01"]}, "op1")
    return case


@pytest.fixture
def timer_runtime(runtime, database, registry):
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("reminder.bpmn"), actor="test-setup")
    return runtime


def instance_row(runtime, instance_id) -> ProcessInstance:
    with runtime.db.transaction(write=False) as s:
        return s.get(ProcessInstance, instance_id,
                     options=[undefer(ProcessInstance.workflow),
                              joinedload(ProcessInstance.process_version).undefer(ProcessVersion.spec)])


def test_the_instance_row_holds_the_workflow_without_its_spec(runtime, database):
    case = case_at_precheck(runtime)

    stored = stored_json(database, case.id)
    assert "spec" not in stored and "subprocess_specs" not in stored
    assert stored["tasks"] and NAME in json.dumps(stored, ensure_ascii=False)
    with database.engine.connect() as c:
        spec_blob = c.execute(text("SELECT spec FROM process_versions WHERE process_id = 'review'")).scalar_one()
    spec = json.loads(zlib.decompress(bytes(spec_blob)))
    assert spec["spec"]["name"] == "review" and "precheck" in spec["spec"]["task_specs"]


def test_the_blob_is_encrypted_and_much_smaller_than_stock_serialization(runtime, database, registry):
    case = case_at_precheck(runtime)
    raw = raw_instance(database, case.id)

    for personal in (NAME, ADDRESS, "JU03"):
        assert personal.encode("utf-8") not in raw
        assert personal.encode("unicode_escape") not in raw
    row = instance_row(runtime, case.id)
    workflow = registry.codec.load_workflow(row.workflow, *registry.specs(row.process_version), None)
    stock = registry.codec.stock_json(workflow)
    assert "spec" in json.loads(stock)  # what stock SpiffWorkflow would store in every instance
    assert len(raw) < 0.30 * len(stock.encode("utf-8"))


def test_a_case_survives_a_restart(runtime, database):
    case = case_at_precheck(runtime)
    runtime.db.dispose()

    restarted_db = Database(database.url)
    try:
        restarted = WorkflowRuntime(restarted_db, make_registry())
        [precheck] = restarted.list_tasks(instance_id=case.id)
        assert precheck.spec_name == "precheck"
        assert restarted.task_data(precheck.id) == {"age": 70, "applicant": {"name": NAME, "address": ADDRESS},
                                                    "procedures": ["JU03", "KA01"], "priority": "high"}
        restarted.complete_task(precheck.id, {"checked": True}, "dept1")
        [visit] = restarted.list_tasks(instance_id=case.id)
        assert restarted.task_data(visit.id)["procedure_count"] == 2
        assert restarted.complete_task(visit.id, {}, "counter1").status == "completed"
    finally:
        restarted_db.dispose()


def test_a_waiting_timer_sets_wake_at_and_the_task_due_at_until_the_case_ends(timer_runtime):
    with time_machine.travel(T0, tick=False):
        case = timer_runtime.start("reminder", "op1", ward="saiwai")
    [callback] = timer_runtime.list_tasks(instance_id=case.id)

    assert instance_row(timer_runtime, case.id).wake_at == T0 + timedelta(hours=1)
    assert (callback.spec_name, callback.due_at) == ("callback", T0 + timedelta(hours=1))
    assert timer_runtime.due_instances(T0 + timedelta(minutes=59)) == []
    assert timer_runtime.due_instances(T0 + timedelta(hours=1, seconds=1)) == [case.id]

    timer_runtime.complete_task(callback.id, {}, "op1")
    ended = instance_row(timer_runtime, case.id)
    assert (ended.status, ended.wake_at) == ("completed", None)
    assert timer_runtime.due_instances(T0 + timedelta(days=1)) == []


def test_wake_fires_a_due_timer_and_not_one_still_pending(timer_runtime):
    with time_machine.travel(T0, tick=False):
        case = timer_runtime.start("reminder", "op1", ward="saiwai")
    [callback] = timer_runtime.list_tasks(instance_id=case.id)

    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        timer_runtime.wake(case.id)
    assert [t.id for t in timer_runtime.list_tasks(instance_id=case.id)] == [callback.id]

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        assert timer_runtime.due_instances(datetime.now(timezone.utc)) == [case.id]
        woken = timer_runtime.wake(case.id)
    assert woken.status == "running"
    [escalate] = timer_runtime.list_tasks(instance_id=case.id)
    assert (escalate.spec_name, escalate.role, escalate.due_at) == ("escalate", "supervisor", None)
    [cancelled] = timer_runtime.list_tasks(instance_id=case.id, state="CANCELLED")
    assert cancelled.id == callback.id
    assert instance_row(timer_runtime, case.id).wake_at is None
    assert timer_runtime.due_instances(T0 + timedelta(days=1)) == []


def test_cancelling_a_waiting_case_clears_its_wake_at(timer_runtime):
    case = timer_runtime.start("reminder", "op1")
    assert instance_row(timer_runtime, case.id).wake_at is not None

    timer_runtime.cancel(case.id, "sv1")
    assert instance_row(timer_runtime, case.id).wake_at is None
    assert timer_runtime.due_instances(datetime.now(timezone.utc) + timedelta(days=1)) == []
