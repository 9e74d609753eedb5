"""Moving running instances to a newer version: allowed when no task that already ran changed, refused with the
reason otherwise; waiting tasks take their new definition; every attempt is audited."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry, ProcessInstance
from engine.errors import TaskConflict
from engine.registry import ModelSource
from engine.runtime.migration import InstanceMigrator
from tests.support import FIXTURE_MODELS

REVIEW = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")


def deploy_review(database, registry, old: str, new: str) -> int:
    assert old in REVIEW
    with database.transaction() as session:
        result = registry.deploy(session, [ModelSource("review.bpmn", REVIEW.replace(old, new, 1).encode())], "po")
        return result.new_versions[0].id


def stored_version(database, instance_id: int) -> int:
    with database.transaction(write=False) as session:
        return session.get(ProcessInstance, instance_id).process_version.version


def audit_actions(database) -> list[tuple[str, dict]]:
    with database.transaction(write=False) as session:
        return [(a.action, a.detail) for a in session.scalars(select(AuditEntry).where(
            AuditEntry.action.like("instance.migration%") | (AuditEntry.action == "instance.migrated")))]


def test_a_case_before_the_changed_task_moves_and_runs_on_the_new_version(runtime, database, registry):
    case = runtime.start("review", "op1", data={"age": 70})
    target = deploy_review(database, registry, 'name="来庁対応"', 'name="来庁対応（新）"')
    migrator = InstanceMigrator(runtime)

    assert migrator.check(case.id, target).safe
    result = migrator.migrate(case.id, target, "sv1")

    assert result.safe and (result.from_version, result.to_version) == (1, 2)
    assert stored_version(database, case.id) == 2
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    [precheck] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(precheck.id, {"checked": True}, "dept1")
    [visit] = runtime.list_tasks(instance_id=case.id)
    assert visit.title == "来庁対応（新）"
    done = runtime.complete_task(visit.id, {"done": True}, "counter1")
    assert (done.status, done.version) == ("completed", 2)
    assert audit_actions(database) == [("instance.migrated", {"process_id": "review", "from_version": 1,
                                                              "to_version": 2, "restarted": []})]


def test_a_changed_waiting_task_restarts_with_its_new_definition(runtime, database, registry):
    case = runtime.start("review", "op1", data={"age": 70})
    target = deploy_review(database, registry, 'name="予約受付"', 'name="予約受付（新様式）"')
    [before] = runtime.list_tasks(instance_id=case.id)

    result = InstanceMigrator(runtime).migrate(case.id, target, "sv1")

    assert result.restarted == ["「予約受付」（intake）"]
    [after] = runtime.list_tasks(instance_id=case.id)
    assert (after.id, after.title) == (before.id, "予約受付（新様式）")
    runtime.complete_task(after.id, {"procedures": []}, "op1")
    assert stored_version(database, case.id) == 2


def test_a_case_whose_finished_task_changed_is_refused_with_the_reason(runtime, database, registry):
    case = runtime.start("review", "op1", data={"age": 70})
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    target = deploy_review(database, registry, 'value="intake.json"', 'value="precheck.json"')

    result = InstanceMigrator(runtime).migrate(case.id, target, "sv1")

    assert not result.safe
    assert any("実行済みのタスク「予約受付」（intake）が新しい版で変更されています" in r for r in result.reasons)
    assert stored_version(database, case.id) == 1
    [precheck] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(precheck.id, {"checked": True}, "dept1")  # still runs on version 1
    ((action, detail),) = audit_actions(database)
    assert action == "instance.migration_refused" and detail["reasons"] == result.reasons


def test_renaming_a_finished_task_is_cosmetic_and_allowed(runtime, database, registry):
    case = runtime.start("review", "op1", data={"age": 70})
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    target = deploy_review(database, registry, 'name="予約受付"', 'name="予約の受付"')
    assert InstanceMigrator(runtime).migrate(case.id, target, "sv1").safe
    assert stored_version(database, case.id) == 2


def test_replacing_the_waiting_task_changes_the_finished_step_before_it_and_is_refused(runtime, database, registry):
    case = runtime.start("review", "op1", data={"age": 70})
    renamed = re.sub(r"intake(?!\.json)", "reception", REVIEW)
    with database.transaction() as session:
        target = registry.deploy(session, [ModelSource("review.bpmn", renamed.encode())], "po").new_versions[0].id
    result = InstanceMigrator(runtime).check(case.id, target)
    assert not result.safe
    assert result.reasons == ["実行済みのタスク「受付開始」（start）が新しい版で変更されています（後続の流れ）。"]


def test_only_newer_versions_of_the_same_process_and_running_cases(runtime, database, registry):
    target = deploy_review(database, registry, 'name="来庁対応"', 'name="来庁対応（新）"')
    newer = runtime.start("review", "op1", data={"age": 70})
    migrator = InstanceMigrator(runtime)
    assert "新しくありません" in migrator.check(newer.id, target).reasons[0]
    old = runtime.start("review", "op1", data={"age": 70})
    runtime.cancel(old.id, "sv1")
    with pytest.raises(TaskConflict):
        migrator.migrate(old.id, target, "sv1")
