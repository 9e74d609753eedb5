"""Deploying models: all-or-nothing, each version stored once, running instances keep their version, cached specs."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.db.models import ModelFile, ProcessInstance, ProcessVersion
from engine.errors import ModelRejected
from engine.registry import ModelSource
from tests.support import FIXTURE_MODELS, fixture_sources

GOOD_BPMN = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
GOOD_DMN = (FIXTURE_MODELS / "priority.dmn").read_text(encoding="utf-8")


def bpmn(old: str = "", new: str = "") -> ModelSource:
    assert old in GOOD_BPMN
    return ModelSource("review.bpmn", GOOD_BPMN.replace(old, new, 1).encode("utf-8"))


def dmn(old: str = "", new: str = "") -> ModelSource:
    assert old in GOOD_DMN
    return ModelSource("priority.dmn", GOOD_DMN.replace(old, new, 1).encode("utf-8"))


def deploy(database, registry, sources, actor="process-owner"):
    with database.transaction() as session:
        return registry.deploy(session, sources, actor=actor)


def counts(database) -> tuple[int, int]:
    with database.transaction(write=False) as session:
        return (session.scalar(select(func.count()).select_from(ModelFile)),
                session.scalar(select(func.count()).select_from(ProcessVersion)))


def live(database, registry, process_id="review") -> ProcessVersion:
    with database.transaction(write=False) as session:
        return registry.live_version(session, process_id)


# A refused deploy changes nothing ------------------------------------------------------------------------------

REFUSED_SETS = {
    "broken BPMN with a good DMN change": [bpmn("</bpmn:process>", ""), dmn('"high"', '"urgent"')],
    "good BPMN change with a bad DMN": [bpmn("予約受付", "予約受付（改）"), dmn('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')],
    "a new bad file beside a good change": [
        bpmn("予約受付", "予約受付（改）"),
        ModelSource("other.bpmn", GOOD_BPMN.replace('id="review"', 'id="other"')
                    .replace('name="dept_staff"', 'name="経理課"').encode("utf-8"))],
}


@pytest.mark.parametrize("bad", REFUSED_SETS.values(), ids=REFUSED_SETS.keys())
def test_a_refused_deploy_writes_nothing_and_the_live_version_stays(runtime, database, registry, bad):
    before_counts, before = counts(database), live(database, registry)

    with database.transaction() as session:  # the caller's transaction commits: deploy itself must add nothing
        with pytest.raises(ModelRejected) as refused:
            registry.deploy(session, bad, actor="process-owner")

    assert refused.value.problems and all(p.message for p in refused.value.problems)
    assert counts(database) == before_counts
    after = live(database, registry)
    assert (after.id, after.version, after.content_hash) == (before.id, 1, before.content_hash)
    started = runtime.start("review", "op1", data={"age": 70})
    assert started.version == 1
    assert [t.title for t in runtime.list_tasks(instance_id=started.id)] == ["予約受付"]


def test_a_refused_first_deploy_leaves_no_process(database, registry):
    with pytest.raises(ModelRejected) as refused:
        deploy(database, registry, [bpmn('isExecutable="true"', 'isExecutable="false"'), dmn()])

    assert [p.code for p in refused.value.problems] == ["not_executable"]
    assert counts(database) == (0, 0)


# Each deployed version stored once -----------------------------------------------------------------------------

def test_deploying_the_same_files_again_creates_no_new_version(database, registry):
    first = deploy(database, registry, fixture_sources())
    again = deploy(database, registry, fixture_sources())

    assert [(v.process_id, v.version) for v in first.new_versions] == [("review", 1)]
    assert sorted(f.name for f in first.files) == ["priority.dmn", "review.bpmn"]
    assert again.new_versions == [] and again.files == []
    assert [(v.process_id, v.version) for v in again.unchanged] == [("review", 1)]
    assert counts(database) == (2, 1)


def test_changing_only_the_dmn_makes_a_new_version_of_the_process_that_uses_it(database, registry):
    first = deploy(database, registry, fixture_sources())
    files_v1 = {f.name: f.id for f in first.files}

    second = deploy(database, registry, [dmn('"high"', '"urgent"')])

    [new_dmn] = second.files
    assert (new_dmn.name, new_dmn.version) == ("priority.dmn", 2)
    [version] = second.new_versions
    assert (version.process_id, version.version) == ("review", 2)
    assert sorted(version.file_ids) == sorted([files_v1["review.bpmn"], new_dmn.id])
    assert sorted(first.new_versions[0].file_ids) == sorted(files_v1.values())
    assert counts(database) == (3, 2)


def test_versions_increment_with_each_change(database, registry):
    deploy(database, registry, fixture_sources())
    deploy(database, registry, [bpmn("予約受付", "予約受付（第2版）")])
    deploy(database, registry, [bpmn("予約受付", "予約受付（第3版）")])

    with database.transaction(write=False) as session:
        versions = registry.list_versions(session)
        files = session.execute(select(ModelFile.name, ModelFile.version)
                                .order_by(ModelFile.name, ModelFile.version)).all()
    assert [(v.process_id, v.version) for v in versions] == [("review", 1), ("review", 2), ("review", 3)]
    assert [tuple(f) for f in files] == [("priority.dmn", 1),
                                         ("review.bpmn", 1), ("review.bpmn", 2), ("review.bpmn", 3)]
    assert live(database, registry).version == 3


def test_deploying_one_file_keeps_the_other_live_files(database, registry):
    deploy(database, registry, fixture_sources())
    deploy(database, registry, [bpmn("予約受付", "予約受付（改）")])

    with database.transaction(write=False) as session:
        live_files = {f.name: f.version for f in registry.live_files(session)}
    assert live_files == {"priority.dmn": 1, "review.bpmn": 2}


# Running instances keep their version ----------------------------------------------------------------------------

def test_a_running_instance_stays_on_the_version_it_started_with(runtime, database, registry):
    old = runtime.start("review", "op1", data={"age": 70})
    deploy(database, registry, [bpmn('name="予約受付"', 'name="予約受付（新様式）"'),
                                dmn('"high"', '"urgent"')])
    new = runtime.start("review", "op1", data={"age": 70})

    assert (old.version, new.version) == (1, 2)
    titles = {t.instance_id: t.title for t in runtime.list_tasks(role="operator")}
    assert titles == {old.id: "予約受付", new.id: "予約受付（新様式）"}
    with database.transaction(write=False) as session:
        stored = {i.id: i.process_version.version for i in session.scalars(select(ProcessInstance))}
    assert stored == {old.id: 1, new.id: 2}

    [intake] = runtime.list_tasks(instance_id=old.id)
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    [precheck] = runtime.list_tasks(instance_id=old.id)
    assert runtime.task_data(precheck.id)["priority"] == "high"  # v1's decision table, not v2's "urgent"
    runtime.complete_task(precheck.id, {"checked": True}, "dept1")
    [visit] = runtime.list_tasks(instance_id=old.id)
    done = runtime.complete_task(visit.id, {"done": True}, "counter1")
    assert (done.status, done.version) == ("completed", 1)

    [new_intake] = runtime.list_tasks(instance_id=new.id)
    runtime.complete_task(new_intake.id, {"procedures": []}, "op1")
    [new_precheck] = runtime.list_tasks(instance_id=new.id)
    assert runtime.task_data(new_precheck.id)["priority"] == "urgent"


# Spec cache by content hash -----------------------------------------------------------------------------------

def test_specs_are_served_from_the_cache_by_content_hash(database, registry):
    deploy(database, registry, fixture_sources())
    version = live(database, registry)

    first = registry.specs(version)
    assert registry.specs(version) is first
    assert registry.specs(live(database, registry)) is first  # another row object, same content hash
    spec, _subprocess_specs = first
    assert spec.task_specs["intake"].bpmn_name == "予約受付"


def test_validating_the_same_sources_again_is_cached(registry):
    parsed, problems = registry.validate(fixture_sources())

    for again in (fixture_sources(), list(reversed(fixture_sources()))):
        cached_parsed, cached_problems = registry.validate(again)
        assert cached_parsed is parsed and cached_problems is problems  # not parsed a second time
    changed = registry.validate([bpmn("予約受付", "予約受付（改）"), dmn()])
    assert changed[0] is not parsed
    assert changed[0].processes["review"].spec.task_specs["intake"].bpmn_name == "予約受付（改）"


def test_reverting_a_model_to_earlier_content_deploys_it_as_a_new_version(database, registry, runtime):
    changed = bpmn("予約受付", "予約受付（改）")
    deploy(database, registry, [changed, dmn()])
    assert live(database, registry).version == 2
    reverted = deploy(database, registry, fixture_sources())
    [version] = reverted.new_versions
    assert version.version == 3
    case = runtime.start("review", "op1", data={"age": 70})
    assert [t.title for t in runtime.list_tasks(instance_id=case.id)] == ["予約受付"]
