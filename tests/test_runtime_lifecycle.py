"""A case's life through the runtime: start, worklists, completing with data, the gateway, cancel, claims,
and the refusals a clerk sees when the task is gone, unknown or changed under them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
import time_machine

from engine.errors import NotFound, TaskConflict

T0 = datetime(2025, 4, 1, 0, 30, tzinfo=timezone.utc)  # 09:30 in Kawasaki


def only_task(runtime, **filters):
    [task] = runtime.list_tasks(**filters)
    return task


def spec_names(tasks):
    return sorted(t.spec_name for t in tasks)


def test_start_runs_to_the_first_user_task(runtime):
    started = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")

    assert (started.process_id, started.version, started.status) == ("review", 1, "running")
    assert spec_names(runtime.list_tasks(instance_id=started.id)) == ["intake"]
    assert runtime.task_data(only_task(runtime, instance_id=started.id).id) == {"age": 70}


def test_worklists_filter_by_role_ward_and_assignee(runtime):
    north = runtime.start("review", "op1", data={"age": 70}, ward="tama")
    south = runtime.start("review", "op1", data={"age": 40}, ward="kawasaki")
    runtime.complete_task(only_task(runtime, instance_id=south.id).id, {"procedures": ["JU03"]}, "op1")
    north_intake = only_task(runtime, instance_id=north.id)
    runtime.claim(north_intake.id, "op2")

    cases = [
        ({"role": "operator"}, [(north.id, "intake")]),
        ({"role": "dept_staff"}, [(south.id, "precheck")]),
        ({"role": "counter"}, []),
        ({"ward": "kawasaki"}, [(south.id, "precheck")]),
        ({"ward": "tama", "role": "dept_staff"}, []),
        ({"assignee": "op2"}, [(north.id, "intake")]),
        ({"assignee": "op1"}, []),
        ({}, [(north.id, "intake"), (south.id, "precheck")]),
    ]
    for filters, expected in cases:
        found = sorted((t.instance_id, t.spec_name) for t in runtime.list_tasks(**filters))
        assert found == sorted(expected), filters


@pytest.mark.parametrize("age, priority", [(70, "high"), (65, "high"), (64, "normal"), (30, "normal")])
def test_data_flows_through_the_decision_to_later_tasks(runtime, age, priority):
    case = runtime.start("review", "op1", data={"age": age, "deceased": "山田太郎"}, ward="nakahara")
    runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"procedures": ["JU03", "KA01"]}, "op1")

    precheck = only_task(runtime, instance_id=case.id)
    assert precheck.spec_name == "precheck"
    assert runtime.task_data(precheck.id) == {"age": age, "deceased": "山田太郎", "procedures": ["JU03", "KA01"],
                                              "priority": priority}

    runtime.complete_task(precheck.id, {"checked": True}, "dept1")
    visit = only_task(runtime, instance_id=case.id)
    assert visit.spec_name == "visit"
    visit_data = runtime.task_data(visit.id)
    assert visit_data["procedure_count"] == 2 and visit_data["checked"] is True
    assert visit_data["priority"] == priority

    done = runtime.complete_task(visit.id, {"visited": True}, "counter1")
    assert done.status == "completed"
    assert runtime.instance_data(case.id)["visited"] is True
    assert runtime.list_tasks(instance_id=case.id) == []


def test_no_procedures_takes_the_default_path_and_ends_without_a_visit(runtime):
    case = runtime.start("review", "op1", data={"age": 50}, ward="nakahara")
    runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"procedures": []}, "op1")
    done = runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"checked": True}, "dept1")

    assert done.status == "completed"
    assert runtime.instance_data(case.id)["procedure_count"] == 0
    ever = [t for state in ("READY", "COMPLETED", "CANCELLED") for t in runtime.list_tasks(instance_id=case.id,
                                                                                              state=state)]
    assert spec_names(ever) == ["intake", "precheck"]


def test_cancel_closes_open_tasks_and_cannot_be_repeated(runtime):
    case = runtime.start("review", "op1", data={"age": 50}, ward="nakahara")
    runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"procedures": ["JU03"]}, "op1")
    precheck = only_task(runtime, instance_id=case.id)

    cancelled = runtime.cancel(case.id, "sv1", reason="duplicate booking")

    assert cancelled.status == "cancelled"
    assert runtime.get_instance(case.id).status == "cancelled"
    assert runtime.list_tasks(instance_id=case.id) == []
    [row] = runtime.list_tasks(instance_id=case.id, state="CANCELLED")
    assert (row.id, row.spec_name, row.completed_by) == (precheck.id, "precheck", None)
    assert spec_names(runtime.list_tasks(instance_id=case.id, state="COMPLETED")) == ["intake"]
    with pytest.raises(TaskConflict):
        runtime.cancel(case.id, "sv1")
    with pytest.raises(TaskConflict):
        runtime.complete_task(precheck.id, {"checked": True}, "dept1")
    assert runtime.get_instance(case.id).row_version == cancelled.row_version


def test_a_finished_case_cannot_be_cancelled(runtime):
    case = runtime.start("review", "op1", data={"age": 50})
    runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"procedures": []}, "op1")
    runtime.complete_task(only_task(runtime, instance_id=case.id).id, {}, "dept1")

    with pytest.raises(TaskConflict):
        runtime.cancel(case.id, "sv1")
    assert runtime.get_instance(case.id).status == "completed"


def test_claim_and_unclaim(runtime):
    case = runtime.start("review", "op1", data={"age": 50})
    task = only_task(runtime, instance_id=case.id)

    assert runtime.claim(task.id, "op1").assignee == "op1"
    assert runtime.claim(task.id, "op1").assignee == "op1"  # claiming one's own task again is harmless
    for refused in (runtime.claim, runtime.unclaim):
        with pytest.raises(TaskConflict):
            refused(task.id, "op2")
    assert only_task(runtime, instance_id=case.id).assignee == "op1"

    runtime.unclaim(task.id, "op1")
    assert only_task(runtime, instance_id=case.id).assignee is None
    assert runtime.claim(task.id, "op2").assignee == "op2"
    assert spec_names(runtime.list_tasks(assignee="op2")) == ["intake"]


def test_unknown_tasks_and_instances_are_not_found(runtime):
    runtime.start("review", "op1", data={"age": 50})
    calls = [
        lambda: runtime.complete_task(9999, {}, "op1"),
        lambda: runtime.claim(9999, "op1"),
        lambda: runtime.unclaim(9999, "op1"),
        lambda: runtime.task_data(9999),
        lambda: runtime.cancel(9999, "sv1"),
        lambda: runtime.wake(9999),
        lambda: runtime.instance_data(9999),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()


def test_a_completed_task_cannot_be_completed_or_claimed_again(runtime):
    case = runtime.start("review", "op1", data={"age": 50})
    intake = only_task(runtime, instance_id=case.id)
    after_first = runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")

    for call in (lambda: runtime.complete_task(intake.id, {"procedures": []}, "op2"),
                 lambda: runtime.claim(intake.id, "op2")):
        with pytest.raises(TaskConflict):
            call()
    assert runtime.get_instance(case.id).row_version == after_first.row_version
    assert runtime.task_data(only_task(runtime, instance_id=case.id).id)["procedures"] == ["JU03"]


def test_expected_row_version_guards_against_a_stale_screen(runtime):
    case = runtime.start("review", "op1", data={"age": 50})
    intake = only_task(runtime, instance_id=case.id)

    with pytest.raises(TaskConflict):
        runtime.complete_task(intake.id, {"procedures": []}, "op1", expected_row_version=case.row_version - 1)
    assert only_task(runtime, instance_id=case.id).id == intake.id

    done = runtime.complete_task(intake.id, {"procedures": []}, "op1", expected_row_version=case.row_version)
    assert done.row_version == case.row_version + 1


def test_human_task_rows_record_the_case_as_it_happens(runtime):
    with time_machine.travel(T0, tick=False):
        case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    intake = only_task(runtime, instance_id=case.id)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        runtime.claim(intake.id, "op2")
        runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op2")
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        runtime.complete_task(only_task(runtime, instance_id=case.id).id, {"checked": True}, "dept1")

    def row(spec_name, state):
        [found] = [t for t in runtime.list_tasks(instance_id=case.id, state=state) if t.spec_name == spec_name]
        return (found.instance_id, found.title, found.form, found.lane, found.role, found.ward, found.state,
                found.assignee, found.due_at, found.created_at, found.completed_at, found.completed_by)

    expected = [
        ("intake", "COMPLETED", (case.id, "予約受付", "intake.json", "コールセンター", "operator", "nakahara", "COMPLETED",
                                 "op2", None, T0, T0 + timedelta(minutes=5), "op2")),
        ("precheck", "COMPLETED", (case.id, "事前確認", "precheck.json", "dept_staff", "dept_staff", "nakahara",
                                   "COMPLETED", None, None, T0 + timedelta(minutes=5), T0 + timedelta(hours=3),
                                   "dept1")),
        ("visit", "READY", (case.id, "来庁対応", "visit.json", "おくやみコーナー", "counter", "nakahara", "READY", None,
                            None, T0 + timedelta(hours=3), None, None)),
    ]
    for spec_name, state, values in expected:
        assert row(spec_name, state) == values, spec_name

    task_ids = [t.task_id for s in ("READY", "COMPLETED") for t in runtime.list_tasks(instance_id=case.id, state=s)]
    assert len({str(UUID(t)) for t in task_ids}) == 3
