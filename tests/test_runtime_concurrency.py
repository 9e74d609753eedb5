"""Two clerks completing the same task: one wins, the other gets TaskConflict, nothing is half-applied.
And a failure after the workflow was advanced but before commit leaves the stored case exactly as it was."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text, update

from engine.db.models import AuditEntry, ProcessInstance
from engine.errors import ScriptError, TaskConflict
from engine.runtime import service
from engine.runtime.instance_store import InstanceStore
from engine.runtime.service import WorkflowRuntime

ACTORS = ("op1", "op2")


def start_case(runtime):
    case = runtime.start("review", "op0", data={"age": 70}, ward="nakahara")
    [intake] = runtime.list_tasks(instance_id=case.id)
    return case, intake


def complete_from_two_threads(runtime, task_id, data_for=lambda actor: {"procedures": [actor]}):
    """Both clerks press 完了 at once; returns {actor: InstanceSummary or the exception raised}."""
    def attempt(actor):
        try:
            return runtime.complete_task(task_id, data_for(actor), actor)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(ACTORS, pool.map(attempt, ACTORS)))


def stored_state(database, instance_id):
    """Everything a completion writes, read back with raw SQL: the ciphertext itself, not a re-encryption."""
    with database.engine.connect() as c:
        instance = c.execute(text("SELECT workflow, row_version, status, wake_at, updated_at FROM process_instances "
                                  "WHERE id = :i"), {"i": instance_id}).one()
        tasks = c.execute(text("SELECT * FROM human_tasks WHERE instance_id = :i ORDER BY id"),
                          {"i": instance_id}).all()
        audit = c.execute(text("SELECT id, actor, action, task_id FROM audit_log ORDER BY id")).all()
    return (bytes(instance.workflow), tuple(instance[1:])), [tuple(t) for t in tasks], [tuple(a) for a in audit]


def assert_one_winner(runtime, case, intake, outcomes):
    winners = [a for a, r in outcomes.items() if not isinstance(r, Exception)]
    losers = [r for r in outcomes.values() if isinstance(r, Exception)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], TaskConflict), outcomes
    [winner] = winners
    [done] = runtime.list_tasks(instance_id=case.id, state="COMPLETED")
    assert (done.id, done.completed_by) == (intake.id, winner)
    [next_task] = runtime.list_tasks(instance_id=case.id)
    assert next_task.spec_name == "precheck"
    assert runtime.task_data(next_task.id)["procedures"] == [winner]
    assert runtime.get_instance(case.id).row_version == case.row_version + 1
    with runtime.db.transaction() as s:
        completions = s.scalars(select(AuditEntry).where(AuditEntry.action == "task.completed",
                                                         AuditEntry.instance_id == case.id)).all()
    assert [e.actor for e in completions] == [winner]
    return winner


def test_two_simultaneous_completions_one_wins_one_gets_a_conflict(runtime, monkeypatch):
    case, intake = start_case(runtime)
    # Both requests enter their transactions together. On PostgreSQL both then load the same row_version before
    # either writes, so the loser is stopped by the optimistic version check. On SQLite writers take the write
    # lock at BEGIN IMMEDIATE: the second waits there and then finds the task no longer READY.
    serialized_by_lock = runtime.db.dialect == "sqlite"
    entered = threading.Barrier(2, timeout=30)
    loaded = threading.Barrier(2, timeout=30)
    loads = []
    real_transaction, real_load = runtime.db.transaction, WorkflowRuntime._load

    def transaction_together(*args, **kwargs):
        entered.wait()
        return real_transaction(*args, **kwargs)

    def load_then_wait(self, instance):
        workflow = real_load(self, instance)
        loads.append(instance.row_version)
        if not serialized_by_lock:
            loaded.wait()
        return workflow

    monkeypatch.setattr(runtime.db, "transaction", transaction_together)
    monkeypatch.setattr(WorkflowRuntime, "_load", load_then_wait)
    outcomes = complete_from_two_threads(runtime, intake.id)
    monkeypatch.undo()

    assert loads == ([case.row_version] if serialized_by_lock else [case.row_version] * 2)
    assert_one_winner(runtime, case, intake, outcomes)
    [loser] = [r for r in outcomes.values() if isinstance(r, Exception)]
    assert ("is COMPLETED" if serialized_by_lock else "stale row_version") in str(loser)


def test_racing_completions_always_have_exactly_one_winner(runtime):
    for _ in range(10):
        case, intake = start_case(runtime)
        assert_one_winner(runtime, case, intake, complete_from_two_threads(runtime, intake.id))


def test_a_writer_whose_copy_went_stale_is_refused_by_the_version_check(runtime, database, monkeypatch):
    case, intake = start_case(runtime)
    real_read_task = InstanceStore.read_task

    def read_then_someone_else_writes(self, session, task_ref):
        loaded = real_read_task(self, session, task_ref)
        # Another writer commits right after this clerk read the case (same effect as a second process).
        session.execute(update(ProcessInstance).where(ProcessInstance.id == case.id)
                        .values(row_version=ProcessInstance.row_version + 1))
        return loaded

    monkeypatch.setattr(InstanceStore, "read_task", read_then_someone_else_writes)
    with pytest.raises(TaskConflict, match="stale row_version"):
        runtime.complete_task(intake.id, {"procedures": []}, "op2")
    monkeypatch.undo()

    assert runtime.get_instance(case.id).row_version == case.row_version  # the refused write left nothing
    done = runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    assert done.row_version == case.row_version + 1
    [precheck] = runtime.list_tasks(instance_id=case.id)
    assert runtime.task_data(precheck.id)["procedures"] == ["JU03"]


def _fail(*_args, **_kwargs):
    raise RuntimeError("power cut")


@pytest.mark.parametrize("target", [(service.audit, "entry"), (service, "human_task_changes"),
                                    (service, "next_wake"), (service, "fired")], ids=lambda t: t[1])
def test_a_crash_before_commit_leaves_the_case_as_it_was(runtime, database, monkeypatch, target):
    case, intake = start_case(runtime)
    before = stored_state(database, case.id)

    monkeypatch.setattr(*target, _fail)
    with pytest.raises(RuntimeError, match="power cut"):
        runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    monkeypatch.undo()

    assert stored_state(database, case.id) == before
    done = runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    assert done.row_version == case.row_version + 1
    assert [t.spec_name for t in runtime.list_tasks(instance_id=case.id)] == ["precheck"]


def test_a_script_error_in_the_engine_step_leaves_the_case_as_it_was(runtime, database):
    case, intake = start_case(runtime)
    runtime.complete_task(intake.id, {"note": "procedures forgotten"}, "op1")
    [precheck] = runtime.list_tasks(instance_id=case.id)
    before = stored_state(database, case.id)

    with pytest.raises(ScriptError):  # the tally script needs `procedures`
        runtime.complete_task(precheck.id, {"checked": True}, "dept1")

    assert stored_state(database, case.id) == before
    assert [t.id for t in runtime.list_tasks(instance_id=case.id)] == [precheck.id]
    done = runtime.complete_task(precheck.id, {"checked": True, "procedures": []}, "dept1")
    assert done.status == "completed"
