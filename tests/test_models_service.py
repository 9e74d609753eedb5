"""The modelling service the editors and the library call: validate, drafts, deploy, versions, diffs."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.db.models import AuditEntry, ModelFile
from processes.modelling.service import (
    deploy_model,
    diff_versions,
    latest_draft,
    list_models,
    model_versions,
    save_draft,
    validate_model,
)
from tests.support import FIXTURE_MODELS

REVIEW = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
PRIORITY = (FIXTURE_MODELS / "priority.dmn").read_text(encoding="utf-8")


def review(old: str = "", new: str = "") -> bytes:
    assert old in REVIEW
    return REVIEW.replace(old, new, 1).encode("utf-8")


def test_a_script_importing_os_is_a_problem_on_its_element(runtime, database, registry):
    broken = review("procedure_count = len(procedures)", "import os\nprocedure_count = len(procedures)")
    with database.transaction(write=False) as session:
        problems = validate_model("bpmn", broken, session=session, registry=registry)
    assert [p.element for p in problems] == ["tally"]
    assert "サンドボックス" in problems[0].message


def test_a_dmn_sent_as_bpmn_is_refused_in_japanese():
    problems = validate_model("bpmn", PRIORITY.encode("utf-8"))
    assert len(problems) == 1 and problems[0].element is None
    assert "中身は DMN" in problems[0].message


def test_a_valid_model_with_the_live_decisions_has_no_problems(runtime, database, registry):
    with database.transaction(write=False) as session:
        assert validate_model("bpmn", review("予約受付", "予約の受付"), session=session, registry=registry) == []


def test_the_latest_draft_is_the_last_saved_and_earlier_ones_stay(database):
    with database.transaction() as session:
        save_draft(session, "bpmn", "review.bpmn", review(), "owner1", "first")
        save_draft(session, "bpmn", "review.bpmn", b"<half-finished", "owner2", "second")
    with database.transaction(write=False) as session:
        draft = latest_draft(session, "bpmn", "review.bpmn")
        assert (draft.content, draft.author, draft.comment) == (b"<half-finished", "owner2", "second")
        assert latest_draft(session, "dmn", "review.bpmn") is None


def test_deploy_names_the_file_by_its_process_and_numbers_the_version(runtime, database, registry):
    with database.transaction() as session:
        result = deploy_model(session, registry, "bpmn", review("予約受付", "予約の受付"), "owner1", "名前を変更")
    assert result.ok and (result.name, result.version) == ("review.bpmn", 2)
    assert result.process_versions == [("review", 2)]
    with database.transaction(write=False) as session:
        versions = model_versions(session, "bpmn", "review.bpmn")
        assert [(v.version, v.deployed_by, v.comment, v.live) for v in versions] == [
            (1, "test-setup", "", False), (2, "owner1", "名前を変更", True)]
        deployed = session.scalars(select(AuditEntry).where(AuditEntry.action == "model.deployed")).one()
        assert deployed.detail["version"] == 2 and deployed.actor == "owner1"


def test_deploying_the_live_content_again_is_unchanged(runtime, database, registry):
    with database.transaction() as session:
        result = deploy_model(session, registry, "bpmn", review(), "owner1", "同じ内容")
    assert result.ok and result.unchanged and result.version == 1


def test_a_refused_deploy_says_why_and_writes_nothing(runtime, database, registry):
    with database.transaction() as session:
        result = deploy_model(session, registry, "bpmn", review('name="dept_staff"', 'name="経理課"'), "owner1", "")
    assert not result.ok and result.version is None
    assert [p.element for p in result.problems] == ["lane_dept"]
    assert "経理課" in result.problems[0].message
    with database.transaction(write=False) as session:
        assert [f.version for f in session.scalars(select(ModelFile).where(ModelFile.name == "review.bpmn"))] == [1]


def test_running_cases_are_counted_per_version(runtime, database, registry):
    runtime.start("review", "op", {"procedures": []})
    with database.transaction() as session:
        deploy_model(session, registry, "bpmn", review("予約受付", "予約の受付"), "owner1", "v2")
    runtime.start("review", "op", {"procedures": []})
    runtime.start("review", "op", {"procedures": []})
    with database.transaction(write=False) as session:
        assert [(v.version, v.running_cases) for v in model_versions(session, "bpmn", "review.bpmn")] == [(1, 1), (2, 2)]
        entries = {(e.kind, e.name): e for e in list_models(session)}
    assert entries[("bpmn", "review.bpmn")].running_cases == 3
    assert entries[("bpmn", "review.bpmn")].live_version == 2
    assert entries[("dmn", "priority.dmn")].title
    assert ("catalogue", "catalogue") in entries


def test_a_diff_lists_elements_added_removed_and_changed_by_id_and_name(runtime, database, registry):
    added = review("<bpmn:endEvent id=\"end\" name=\"完了\">",
                   "<bpmn:manualTask id=\"note\" name=\"メモ\" /><bpmn:endEvent id=\"end\" name=\"完了\">")
    renamed = added.decode().replace("予約受付", "予約の受付").replace(
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="intake" />', "").encode()
    with database.transaction() as session:
        session.add(ModelFile(name="review.bpmn", kind="bpmn", version=2, content_hash="x", content=renamed.decode(),
                              deployed_by="owner1", comment=""))
    with database.transaction(write=False) as session:
        diff = diff_versions(session, "bpmn", "review.bpmn", 1, 2)
    assert [(e.id, e.name) for e in diff.added] == [("note", "メモ")]
    assert [e.id for e in diff.removed] == ["f1"]
    assert [(e.id, e.name, e.type) for e in diff.changed] == [("intake", "予約の受付", "userTask")]


def test_an_attribute_left_out_at_its_bpmn_default_is_not_a_change():
    from engine.registry.diff import diff_model_xml

    explicit = (Path(__file__).parent.parent / "bpmn" / "okuyami_case.bpmn").read_bytes()
    # The model states cancelActivity on every boundary event: "false" on the deadlines, "true" on cancel/move.
    assert b'cancelActivity="false"' in explicit and b'cancelActivity="true"' in explicit
    as_bpmn_js_writes_it = explicit.replace(b' cancelActivity="true"', b"")
    assert diff_model_xml(explicit, as_bpmn_js_writes_it).empty
    made_interrupting = explicit.replace(b'cancelActivity="false"', b'cancelActivity="true"', 1)
    assert len(diff_model_xml(explicit, made_interrupting).changed) == 1
