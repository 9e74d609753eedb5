"""Migration on the real case process: booked cases waiting in the per-department pre-check move to a version
that renames the pre-check, keep each department's assignment and deadline, and run to the end on it."""
from __future__ import annotations

from engine.registry import ModelSource
from engine.runtime.migration import InstanceMigrator
from engine.settings import PROJECT_ROOT
from processes.modelling.migration import cases_on_old_versions, migrate_cases
from tests.case_support import book, precheck_everything, visit

CASE = (PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn").read_text(encoding="utf-8")


def deploy(runtime, database, old: str, new: str):
    assert old in CASE
    with database.transaction() as session:
        return runtime.registry.deploy(session, [ModelSource("okuyami_case.bpmn", CASE.replace(old, new).encode())],
                                       "po").new_versions[0]


def test_cases_in_the_precheck_move_to_a_version_renaming_it_and_finish_there(case_runtime, database, clock):
    rt = case_runtime
    case = book(rt)
    before = {t.department: (t.id, t.due_at) for t in rt.list_tasks(instance_id=case.id)}
    deploy(rt, database, '<bpmn:userTask id="precheck" name="事前確認">', '<bpmn:userTask id="precheck" name="関係課の事前確認">')

    with database.transaction(write=False) as session:
        live, cases = cases_on_old_versions(session, rt, "okuyami_case")
    assert live.version == 2 and [c.instance_id for c in cases] == [case.id] and cases[0].check.safe
    (outcome,) = migrate_cases(database, rt, "okuyami_case", [case.id], "sv")
    assert outcome.migrated and (outcome.from_version, outcome.to_version) == (1, 2)

    after = {t.department: (t.id, t.due_at, t.title) for t in rt.list_tasks(instance_id=case.id)}
    assert {d: v[:2] for d, v in after.items()} == before
    assert {v[2] for v in after.values()} == {"関係課の事前確認"}
    precheck_everything(rt, case)  # each department still sees only its own assignment
    visit(rt, case, followup=False, clock=clock)
    assert rt.get_instance(case.id).version == 2


def test_a_case_whose_booking_form_changed_afterwards_stays_on_its_version(case_runtime, database, clock):
    rt = case_runtime
    case = book(rt)
    target = deploy(rt, database, 'value="booking.json"', 'value="walkin.json"')
    check = InstanceMigrator(rt).check(case.id, target.id)
    assert check.reasons == ["実行済みのタスク「予約受付・問診」（booking）が新しい版で変更されています（拡張プロパティ（フォームなど））。"]
    (outcome,) = migrate_cases(database, rt, "okuyami_case", [case.id], "sv")
    assert not outcome.migrated and outcome.reasons == tuple(check.reasons)
    assert rt.get_instance(case.id).version == 1
