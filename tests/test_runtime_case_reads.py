"""A case page reads its case about ten times per step: the case data is kept per process for the row it was
worked out from, and the open tasks are read as plain rows. Neither may ever differ from what a fresh read gives:
not after another process wrote the case, not after a step rolled back, and not across savepoints."""
from __future__ import annotations

import pytest

from engine.db.session import after_commit
from engine.runtime import WorkflowRuntime
from engine.runtime import case_data as case_data_module


def second_process(runtime) -> WorkflowRuntime:
    return WorkflowRuntime(runtime.db, runtime.registry, script_timeout_seconds=1.0)


def open_task(runtime, case_id):
    [task] = runtime.list_tasks(instance_id=case_id)
    return task


def test_an_unchanged_case_is_not_worked_out_again(runtime, monkeypatch):
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    first = runtime.instance_data(case.id)
    walks = []
    real = case_data_module.case_data
    monkeypatch.setattr("engine.runtime.service.case_data", lambda workflow: walks.append(1) or real(workflow))
    summary, data = runtime.instance_with_data(case.id)
    assert data == first and summary.row_version == case.row_version and walks == []
    data["age"] = 1                                    # the caller's copy: what is kept does not change
    assert runtime.instance_data(case.id)["age"] == 70
    runtime.complete_task(open_task(runtime, case.id).id, {"procedures": ["JU03"]}, "op1")
    assert runtime.instance_data(case.id)["procedures"] == ["JU03"] and walks == [1]


def test_the_kept_data_follows_a_step_another_process_took(runtime):
    other = second_process(runtime)
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    runtime.complete_task(open_task(runtime, case.id).id, {"procedures": ["JU03"]}, "op1")
    assert "note" not in runtime.instance_data(case.id)
    other.complete_task(open_task(other, case.id).id, {"checked": True, "note": "課で確認済み"}, "dept1")
    assert runtime.instance_data(case.id)["note"] == "課で確認済み"


def test_data_read_after_a_step_that_rolled_back_is_not_kept(runtime):
    other = second_process(runtime)
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    intake = open_task(runtime, case.id)
    with pytest.raises(RuntimeError, match="rest of the action"):
        with runtime.db.transaction() as s:
            runtime.complete_task(intake.id, {"procedures": ["JU03"], "attempt": "rolled back"}, "op1", session=s)
            assert runtime.instance_data(case.id, session=s)["attempt"] == "rolled back"
            runtime.task_data(intake.id, session=s)           # the workflow read back from the written row
            raise RuntimeError("the rest of the action failed")
    # Another process brings the case to the row_version the rolled-back step had reached.
    other.complete_task(intake.id, {"procedures": ["HN01"]}, "op2")
    data = runtime.instance_data(case.id)
    assert "attempt" not in data and data["procedures"] == ["HN01"]
    assert runtime.task_data(open_task(runtime, case.id).id)["procedures"] == ["HN01"]


def test_the_open_tasks_are_list_tasks_as_plain_rows(runtime):
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    for _ in range(2):
        listed = runtime.list_tasks(instance_id=case.id)
        rows = runtime.open_tasks(case.id)
        assert [(t.id, t.spec_name, t.title, t.role, t.ward, t.department, t.state, t.assignee, t.form, t.due_at,
                 t.created_at) for t in listed] == \
               [(t.id, t.spec_name, t.title, t.role, t.ward, t.department, t.state, t.assignee, t.form, t.due_at,
                 t.created_at) for t in rows]
        assert all(t.created_at.utcoffset().total_seconds() == 0 for t in rows)
        runtime.complete_task(listed[0].id, {"procedures": ["JU03"]}, "op1")
    assert runtime.open_tasks(case.id + 1000) == []


def test_after_commit_waits_for_the_real_commit_and_forgets_a_savepoint_rolled_back(database):
    ran = []
    with database.transaction() as session:
        after_commit(session, lambda: ran.append("before the savepoints"))
        with session.begin_nested():
            after_commit(session, lambda: ran.append("in a released savepoint"))
        assert ran == []                                   # a released savepoint is no commit
        with pytest.raises(ValueError):
            with session.begin_nested():
                after_commit(session, lambda: ran.append("in a savepoint rolled back"))
                raise ValueError
    assert ran == ["before the savepoints", "in a released savepoint"]


def test_an_audit_entry_recorded_on_its_own_reads_back_as_written(database):
    from sqlalchemy import select

    from engine.db.models import AuditEntry
    from engine.runtime import audit

    detail = {"personal_data": True, "via": "task", "名前": "検索語", "n": [1, 2.5, None]}
    with database.transaction() as session:
        audit.record(session, "op1", "case.viewed", instance_id=7, task_id="t-1", before={"a": 1}, detail=detail)
        audit.record(session, "op1", "case.viewed")
    with database.transaction(write=False) as session:
        first, second = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert (first.actor, first.action, first.instance_id, first.task_id, first.detail) == \
        ("op1", "case.viewed", 7, "t-1", detail)
    assert first.before_digest == audit.digest({"a": 1}) and first.after_digest is None
    assert first.at.utcoffset().total_seconds() == 0 and second.detail == {} and second.instance_id is None


def test_a_task_read_with_its_data_in_one_go_is_what_task_data_gives(runtime):
    from engine.errors import NotFound

    case = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    intake = open_task(runtime, case.id)
    task, data = runtime.task_with_data(intake.id)
    assert data == runtime.task_data(intake.id) and data["applicant"] == {"name": "川崎花子"}
    assert (task.id, task.task_id, task.state, task.form, task.role) == \
        (intake.id, intake.task_id, "READY", intake.form, intake.role)
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    task, data = runtime.task_with_data(intake.id)
    assert task.state == "COMPLETED" and data is None
    with pytest.raises(NotFound):
        runtime.task_with_data(intake.id + 1000)


def test_a_read_in_the_transaction_that_took_the_step_does_not_decode_the_workflow_again(runtime, monkeypatch):
    from engine.errors import ScriptError

    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    intake = open_task(runtime, case.id)
    decoded = []
    real = runtime.registry.codec.load_workflow
    monkeypatch.setattr(runtime.registry.codec, "load_workflow", lambda *a, **k: decoded.append(1) or real(*a, **k))
    with runtime.db.transaction() as s:
        runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1", session=s)
        assert runtime.instance_data(case.id, session=s)["procedures"] == ["JU03"]
        [precheck] = runtime.open_tasks(case.id, session=s)
        assert runtime.task_data(precheck.id, session=s)["procedures"] == ["JU03"]
        assert decoded == []
        with pytest.raises(ScriptError):   # a step failing half-way, the transaction going on
            with s.begin_nested():
                runtime.complete_task(precheck.id, {"checked": True, "procedures": None, "attempt": "failed"},
                                      "dept1", session=s)
        assert "attempt" not in runtime.instance_data(case.id, session=s)
    fresh = second_process(runtime)
    assert runtime.instance_data(case.id) == fresh.instance_data(case.id)
    assert "attempt" not in runtime.task_data(precheck.id)
    assert runtime.complete_task(precheck.id, {"checked": True, "procedures": []}, "dept1").status == "completed"
