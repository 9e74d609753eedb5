"""Saved example interviews: stored with checks, run on every deploy of the selection DMN or the catalogue, and a
failing example blocks the deploy saying which answer led where."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.db.models import AuditEntry, ModelFile
from engine.settings import PROJECT_ROOT
from processes.modelling.demo_examples import DEMO_EXAMPLES, seed_demo_examples
from processes.modelling.examples import InvalidExample, add_example, delete_example, list_examples, update_example
from processes.modelling.service import check_examples, deploy_model, model_versions
from processes.okuyami.catalogue import CATALOGUE_FILE
from processes.okuyami.catalogue_store import CatalogueVersion

SELECTION = (PROJECT_ROOT / "dmn" / "procedure_selection.dmn").read_text(encoding="utf-8")
CATALOGUE = CATALOGUE_FILE.read_text(encoding="utf-8")


def selection(old: str, new: str, count: int = 1) -> bytes:
    assert old in SELECTION
    return SELECTION.replace(old, new, count).encode("utf-8")


def test_the_twenty_demo_examples_pass_on_the_demo_models(database, case_runtime):
    with database.transaction() as session:
        assert seed_demo_examples(session) == ["example interviews: 20"]
        assert seed_demo_examples(session) == []
        run = check_examples(session)
    assert len(DEMO_EXAMPLES) == 20 == run.total
    assert run.failures == []


def test_an_example_is_checked_before_it_is_saved(database):
    with database.transaction() as session:
        with pytest.raises(InvalidExample) as refused:
            add_example(session, "owner1", "", {"household_head": "maybe"}, ["JU99"], [])
    assert set(refused.value.errors) == {"title", "answers", "must_include"}
    assert "JU99" in refused.value.errors["must_include"]
    with database.transaction() as session:
        with pytest.raises(InvalidExample) as both:
            add_example(session, "owner1", "両方", {}, "JU01, JU03", ["JU03"])
    assert "JU03" in both.value.errors["must_exclude"]


def test_examples_can_be_edited_and_deleted_and_each_change_is_audited(database):
    with database.transaction() as session:
        example = add_example(session, "owner1", "世帯主", {"household_head": "yes"}, "ju03", [])
        assert example.must_include == ["JU03"]
        update_example(session, "owner2", example, "世帯主（改）", {"household_head": "no"}, [], ["JU03"])
    with database.transaction() as session:
        (example,) = list_examples(session)
        assert (example.title, example.must_exclude, example.updated_by) == ("世帯主（改）", ["JU03"], "owner2")
        delete_example(session, "owner1", example)
    with database.transaction(write=False) as session:
        assert list_examples(session) == []
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["model_example.added", "model_example.updated", "model_example.deleted"]


def test_a_dmn_that_breaks_an_example_is_refused_saying_which_answer_led_where(database, case_runtime):
    with database.transaction() as session:
        add_example(session, "owner1", "世帯主で世帯員2人", {"household_head": "yes",
                                                        "household_members_15plus_remaining": 2}, ["JU03"], [])
        add_example(session, "owner1", "カードなし", {"cards": []}, [], ["JU05"])
    # The JU03 rule now wants three or more members; the JU05 rule fires on "no" instead of "yes".
    broken = selection('<text>"2plus"</text>', '<text>"3plus"</text>').decode().replace(
        '<text>"yes"</text></inputEntry>', '<text>"yes"</text></inputEntry>', 1)
    broken = _rewire_mynumber_rule(broken.encode("utf-8"))
    with database.transaction() as session:
        result = deploy_model(session, case_runtime.registry, "dmn", broken, "owner1", "壊れた変更")
    assert not result.ok and result.examples_run == 2
    reasons = {f.title: " ".join(f.reasons) for f in result.example_failures}
    assert "JU03" in reasons["世帯主で世帯員2人"] and "「残る15歳以上の世帯員」=2plus" in reasons["世帯主で世帯員2人"]
    assert "当てはまりません" in reasons["世帯主で世帯員2人"]
    assert "JU05" in reasons["カードなし"] and "「マイナンバーカード」=no" in reasons["カードなし"]
    assert all("例「" in p.message for p in result.problems)
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.max(ModelFile.version)).where(
            ModelFile.name == "procedure_selection.dmn")) == 1


def _rewire_mynumber_rule(content: bytes) -> bytes:
    """The rule selecting JU05 as 該当 matches "no" cards instead of "yes"."""
    text = content.decode("utf-8")
    marker = '<text>"JU05"</text></outputEntry>'
    head, tail = text.split(marker, 1)
    rule_start = head.rfind("<rule ")
    rule = head[rule_start:].replace('<text>"yes"</text>', '<text>"no"</text>', 1)
    assert rule != head[rule_start:]
    return (head[:rule_start] + rule + marker + tail).encode("utf-8")


def test_a_dmn_that_keeps_every_example_passing_deploys(database, case_runtime):
    with database.transaction() as session:
        seed_demo_examples(session)
        result = deploy_model(session, case_runtime.registry, "dmn", selection("手続の抽出", "手続の抽出（改訂）"),
                              "owner1", "名称のみ変更")
    assert result.ok and result.examples_run == 20 and result.version == 2


def test_a_catalogue_deploy_is_blocked_while_an_example_fails(database, case_runtime):
    with database.transaction() as session:
        add_example(session, "owner1", "被爆者でない", {"atomic_bomb_survivor": "no"}, ["FU03"], [])
    with database.transaction() as session:
        result = deploy_model(session, None, "catalogue", CATALOGUE.encode("utf-8"), "owner1", "改訂")
    assert not result.ok and result.version is None
    (failure,) = result.example_failures
    assert failure.title == "被爆者でない"
    assert "FU03" in failure.reasons[0] and "「被爆者健康手帳」=no" in failure.reasons[0]
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(CatalogueVersion)) == 0


def test_a_catalogue_deploy_runs_the_examples_and_numbers_the_version(database, case_runtime):
    with database.transaction() as session:
        seed_demo_examples(session)
        result = deploy_model(session, None, "catalogue", CATALOGUE.encode("utf-8"), "owner1", "初版")
    assert result.ok and result.version == 1 and result.examples_run == 20
    with database.transaction(write=False) as session:
        (version,) = model_versions(session, "catalogue", "catalogue")
    assert (version.deployed_by, version.comment, version.live) == ("owner1", "初版", True)


def test_a_deploy_through_the_registry_itself_runs_the_examples_too(database, case_runtime):
    """`okuyami models deploy` and the demo deploy through the platform's registry, not the modelling service."""
    from engine.errors import ModelRejected
    from engine.registry import ModelSource

    with database.transaction() as session:
        add_example(session, "owner1", "世帯主で世帯員2人", {"household_head": "yes",
                                                        "household_members_15plus_remaining": 2}, ["JU03"], [])
    broken = selection('<text>"2plus"</text>', '<text>"3plus"</text>')
    with pytest.raises(ModelRejected) as refused:
        with database.transaction() as session:
            case_runtime.registry.deploy(session, [ModelSource("procedure_selection.dmn", broken)], "owner1")
    (problem,) = refused.value.problems
    assert (problem.file, problem.code) == ("procedure_selection.dmn", "example")
    assert "世帯主で世帯員2人" in problem.message and "「残る15歳以上の世帯員」=2plus" in problem.message
