"""Who may work a task: department scoping of parallel pre-checks, and claims that hold."""
import pytest
from sqlalchemy import select

from engine.db.models import ProcessInstance
from engine.errors import TaskConflict
from tests.support import fixture_sources


@pytest.fixture
def precheck_runtime(runtime, database, registry):
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("precheck.bpmn"), actor="test")
    return runtime


def test_each_department_gets_its_own_precheck_task(precheck_runtime):
    rt = precheck_runtime
    case = rt.start("precheck_by_department", "op", data={"departments": ["kumin", "hoken_nenkin"]}, ward="nakahara")
    tasks = rt.list_tasks(role="dept_staff", ward="nakahara")
    assert sorted(t.department for t in tasks) == ["hoken_nenkin", "kumin"]
    [kumin] = rt.list_tasks(role="dept_staff", ward="nakahara", department="kumin")
    assert rt.list_tasks(role="dept_staff", ward="nakahara", department="eisei") == []
    rt.complete_task(kumin.id, {"result": "confirmed"}, "kumin1")
    [nenkin] = rt.list_tasks(role="dept_staff", department="hoken_nenkin")
    done = rt.complete_task(nenkin.id, {"result": "dropped"}, "nenkin1")
    assert done.status == "completed" and done.id == case.id
    assert rt.instance_data(case.id)["results"] == ["confirmed", "dropped"]


def test_a_claimed_task_cannot_be_completed_by_someone_else(runtime):
    runtime.start("review", "op1", data={"age": 40})
    [intake] = runtime.list_tasks(role="operator")
    runtime.claim(intake.id, "op1")
    with pytest.raises(TaskConflict) as refused:
        runtime.complete_task(intake.id, {"procedures": []}, "op2")
    assert "引き受けています" in refused.value.user_message
    runtime.complete_task(intake.id, {"procedures": []}, "op1")
    assert [t.title for t in runtime.list_tasks(role="dept_staff")] == ["事前確認"]


def test_waking_an_instance_with_nothing_due_changes_nothing(runtime, database):
    case = runtime.start("review", "op1", data={"age": 40})
    with database.transaction(write=False) as session:
        before = session.execute(select(ProcessInstance.row_version, ProcessInstance.workflow)
                                 .where(ProcessInstance.id == case.id)).one()
    assert runtime.wake(case.id).row_version == before.row_version
    with database.transaction(write=False) as session:
        after = session.execute(select(ProcessInstance.row_version, ProcessInstance.workflow)
                                .where(ProcessInstance.id == case.id)).one()
    assert after == before
