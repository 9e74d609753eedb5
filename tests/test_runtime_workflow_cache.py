"""Each app process keeps the workflows it advanced, so that the next step on a case does not decode it again.
What it keeps must never be seen in place of the stored case: not after another process wrote the case, not
after a step that failed, and never with data different from what a fresh read of the database gives."""
from __future__ import annotations

import pytest

from engine.errors import ScriptError
from engine.runtime import WorkflowRuntime


def second_process(runtime) -> WorkflowRuntime:
    """Another app process on the same database: its own cache, its own idea of the case."""
    return WorkflowRuntime(runtime.db, runtime.registry, script_timeout_seconds=1.0)


def open_task(runtime, case_id):
    [task] = runtime.list_tasks(instance_id=case_id)
    return task


def test_a_case_another_process_advanced_is_read_again_not_taken_from_the_cache(runtime):
    other = second_process(runtime)
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    runtime.complete_task(open_task(runtime, case.id).id, {"procedures": ["JU03"]}, "op1")  # this process keeps it

    other.complete_task(open_task(other, case.id).id, {"checked": True, "note": "課で確認済み"}, "dept1")

    visit = open_task(runtime, case.id)
    assert visit.spec_name == "visit"
    assert runtime.task_data(visit.id)["note"] == "課で確認済み"
    done = runtime.complete_task(visit.id, {"done": True}, "counter1")
    assert done.status == "completed" and done.row_version == case.row_version + 3
    assert runtime.instance_data(case.id)["note"] == "課で確認済み"


def test_a_failed_step_leaves_nothing_of_itself_in_the_process(runtime):
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    runtime.complete_task(open_task(runtime, case.id).id, {"note": "procedures forgotten"}, "op1")
    precheck = open_task(runtime, case.id)

    with pytest.raises(ScriptError):  # the tally script needs `procedures`; the task's data was already updated
        runtime.complete_task(precheck.id, {"checked": True, "attempt": "failed"}, "dept1")

    assert "attempt" not in runtime.task_data(precheck.id)
    assert "attempt" not in runtime.instance_data(case.id)
    done = runtime.complete_task(precheck.id, {"checked": True, "procedures": []}, "dept1")
    assert done.status == "completed" and "attempt" not in runtime.instance_data(case.id)


@pytest.mark.parametrize("cache_size", [512, 0], ids=["cached", "uncached"])
def test_the_kept_workflow_holds_exactly_what_is_stored(runtime, cache_size):
    stepping = WorkflowRuntime(runtime.db, runtime.registry, script_timeout_seconds=1.0,
                               workflow_cache_size=cache_size)
    case = stepping.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    seen = []
    for data in ({"procedures": ["JU03", "HN01"], "seen": {"by": [1, 2.5, None]}}, {"checked": True}):
        task = open_task(stepping, case.id)
        stepping.complete_task(task.id, data, "op1")
        fresh = second_process(runtime)  # nothing cached: decodes the stored blob
        task = open_task(stepping, case.id)
        seen.append((stepping.instance_data(case.id), stepping.task_data(task.id)))
        assert seen[-1] == (fresh.instance_data(case.id), fresh.task_data(task.id))
    assert seen[-1][0]["seen"] == {"by": [1, 2.5, None]} and seen[-1][0]["applicant"] == {"name": "川崎花子"}


def test_a_step_rolled_back_with_the_callers_transaction_is_not_kept(runtime):
    other = second_process(runtime)
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    intake = open_task(runtime, case.id)

    with pytest.raises(RuntimeError, match="rest of the action"):
        with runtime.db.transaction() as s:
            runtime.complete_task(intake.id, {"procedures": ["JU03"], "attempt": "rolled back"}, "op1", session=s)
            raise RuntimeError("the rest of the action failed")
    # Another process brings the case to the version the rolled-back step had reached.
    other.complete_task(intake.id, {"procedures": ["HN01"]}, "op2")

    precheck = open_task(runtime, case.id)
    assert runtime.task_data(precheck.id)["procedures"] == ["HN01"]
    assert "attempt" not in runtime.instance_data(case.id)


def test_a_case_that_comes_again_under_an_earlier_cases_id_is_read_from_the_database(runtime, database):
    """Ids start again after an erase-all or a restore: a case kept under its id and row_version must not stand for
    the new case that was given the same id."""
    earlier = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    runtime.complete_task(open_task(runtime, earlier.id).id, {"procedures": ["JU03"]}, "op1")  # kept at version 2
    with database.engine.begin() as connection:
        for table in ("timers", "human_tasks", "process_instances"):     # the audit log is append-only
            connection.exec_driver_sql(f"DELETE FROM {table}")
        if connection.dialect.name == "postgresql":       # SQLite gives the next row max(id) + 1 by itself
            connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('process_instances', 'id'), 1, false)")

    later = second_process(runtime).start("review", "op2", data={"age": 81, "applicant": {"name": "中原一郎"}},
                                          ward="takatsu")
    second_process(runtime).complete_task(open_task(runtime, later.id).id, {"procedures": ["HN01"]}, "op2")

    assert later.id == earlier.id
    data = runtime.instance_data(later.id)
    assert data["applicant"] == {"name": "中原一郎"} and data["procedures"] == ["HN01"]


def test_a_process_that_does_not_hold_the_workflow_reads_the_case_without_decoding_it(runtime, monkeypatch):
    """Each step stores the case's data beside the workflow: with two app processes, half the case pages are read
    in the process that did not take the last step, and decoding the whole workflow there cost the most."""
    case = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    runtime.complete_task(open_task(runtime, case.id).id, {"procedures": ["JU03"], "seen": [1, 2.5, None]}, "op1")
    expected = runtime.instance_data(case.id)

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("the workflow was decoded to read the case")
    monkeypatch.setattr(runtime.registry.codec, "load_workflow", no_decoding)
    assert second_process(runtime).instance_data(case.id) == expected
    assert expected["applicant"] == {"name": "川崎花子"} and expected["seen"] == [1, 2.5, None]


def test_a_case_stored_without_its_data_beside_the_workflow_is_read_from_the_workflow(runtime, database):
    """Rows written before the data was stored beside the workflow (migration 0029) have none."""
    case = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    runtime.complete_task(open_task(runtime, case.id).id, {"procedures": ["JU03"]}, "op1")
    with database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE process_instances SET case_data = NULL")

    data = second_process(runtime).instance_data(case.id)
    assert data["applicant"] == {"name": "川崎花子"} and data["procedures"] == ["JU03"]
    second_process(runtime).complete_task(open_task(runtime, case.id).id, {"checked": True}, "dept1")
    assert second_process(runtime).instance_data(case.id)["checked"] is True


def test_data_that_json_cannot_give_back_as_it_is_is_not_stored_beside_the_workflow():
    from datetime import date

    from engine.runtime.case_data import read_stored_case_data, stored_case_data
    plain = {"applicant": {"name": "川崎花子"}, "procedures": ["JU03"], "amount": 1.5, "none": None}
    assert read_stored_case_data(stored_case_data(plain)) == plain
    for odd in ({"on": date(2026, 12, 3)}, {"pair": (1, 2)}, {1: "number as key"}, {"x": float("nan")}):
        assert stored_case_data(odd) is None
