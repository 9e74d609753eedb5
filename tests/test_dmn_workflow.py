"""Business rule tasks run on engine.dmn through the real runtime: a re-run decision replaces its outputs (a
corrected interview), a hit policy violation reaches the person in Japanese, and a spec survives dump/load."""
from __future__ import annotations

import json
import zlib

import pytest
from SpiffWorkflow.util.deep_merge import DeepMerge

from engine.dmn import HitPolicyViolation
from engine.dmn import service as dmn_service
from engine.dmn.bpmn import DecisionEngine, DecisionTask, replace_outputs
from engine.registry import ModelSource
from engine.registry.parsing import parse_sources
from engine.runtime import WorkflowRuntime
from engine.serialization import WorkflowCodec
from tests.support import FIXTURE_MODELS, FIXTURES

DMN_FIXTURES = FIXTURES / "dmn"


def interview_sources() -> list[ModelSource]:
    return [ModelSource.from_path(DMN_FIXTURES / "interview.bpmn"), ModelSource.from_path(DMN_FIXTURES / "procedures.dmn")]


@pytest.fixture
def interview_runtime(database, registry) -> WorkflowRuntime:
    with database.transaction() as session:
        registry.deploy(session, interview_sources(), actor="test-setup")
    return WorkflowRuntime(database, registry, script_timeout_seconds=1.0)


def answer(runtime: WorkflowRuntime, instance_id: int, data: dict) -> dict:
    """Complete the open operator task with `data`; the data of the next open operator task."""
    [task] = runtime.list_tasks(role="operator", instance_id=instance_id)
    runtime.complete_task(task.id, data, "op1")
    following = runtime.list_tasks(role="operator", instance_id=instance_id)
    return runtime.task_data(following[0].id) if following else {}


def test_a_corrected_interview_replaces_the_earlier_decision_instead_of_merging(interview_runtime):
    started = interview_runtime.start("interview", "op1")

    first = answer(interview_runtime, started.id, {"has_pension": "yes", "age": 70, "has_car": "yes"})
    assert first["procedures"] == ["NK01", "KK01", "JU03", "CAR1"]
    assert first["counter"] == "陸運支局"

    answer(interview_runtime, started.id, {"redo": True})
    second = answer(interview_runtime, started.id, {"has_pension": "no", "age": 40, "has_car": "no"})

    assert second["procedures"] == ["JU03"]
    assert second["counter"] is None
    assert "age_band" not in second, "a required decision's result is not written to the task data"
    # What stock SpiffWorkflow's DeepMerge would have left: a stale item of the first list.
    assert DeepMerge.merge({"procedures": first["procedures"]}, {"procedures": ["JU03"]}) == {"procedures": ["NK01"]}
    done = answer(interview_runtime, started.id, {"redo": False})
    assert done == {} and interview_runtime.get_instance(started.id).status == "completed"


def test_a_unique_violation_in_a_business_rule_task_reaches_the_person_in_japanese(database, registry):
    unique = (FIXTURE_MODELS / "priority.dmn").read_text(encoding="utf-8").replace('hitPolicy="FIRST"',
                                                                                 'hitPolicy="UNIQUE"')
    with database.transaction() as session:
        registry.deploy(session, [ModelSource.from_path(FIXTURE_MODELS / "review.bpmn"),
                                  ModelSource("priority.dmn", unique.encode("utf-8"))], actor="test-setup")
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=1.0)
    started = runtime.start("review", "op1", data={"age": 70})
    [intake] = runtime.list_tasks(role="operator", instance_id=started.id)

    with pytest.raises(HitPolicyViolation) as violated:
        runtime.complete_task(intake.id, {"procedures": []}, "op1")

    assert violated.value.rule_ids == ("rule_elderly", "rule_other")
    assert "優先度判定" in violated.value.user_message and "1 行目（rule_elderly）" in violated.value.user_message
    assert [t.id for t in runtime.list_tasks(role="operator", instance_id=started.id)] == [intake.id]


def test_a_business_rule_task_spec_survives_dump_and_load(monkeypatch):
    parsed = parse_sources(interview_sources())
    process = parsed.processes["interview"]
    codec = WorkflowCodec()

    blob = codec.dump_spec(process.spec, process.subprocess_specs)
    stored = json.loads(zlib.decompress(blob))["spec"]["task_specs"]["select"]
    monkeypatch.setattr(dmn_service, "_cache", type(dmn_service._cache)())  # a fresh process: nothing compiled
    spec, _ = codec.load_spec(blob)

    assert stored["typename"] == "DecisionTask" and "decision_table" not in stored
    assert stored["decision"]["decision_id"] == "procedure_selection"
    assert stored["decision"]["dmn"] == (DMN_FIXTURES / "procedures.dmn").read_text(encoding="utf-8")
    task = spec.task_specs["select"]
    assert isinstance(task, DecisionTask) and isinstance(task.dmnEngine, DecisionEngine)
    answers = {"has_pension": "unknown", "age": 80, "has_car": "no"}
    assert task.dmnEngine.evaluate(answers) == process.spec.task_specs["select"].dmnEngine.evaluate(answers) == {
        "procedures": ["NK01", "KK01", "JU03"]}
    assert codec.load_spec(blob)[0].task_specs["select"].dmnEngine.model is task.dmnEngine.model, \
        "a second load compiles nothing"
    assert codec.dump_spec(spec, {}) == codec.dump_spec(process.spec, {}), "dump -> load -> dump is stable"


def test_the_registry_records_which_dmn_file_a_process_uses(registry):
    parsed, problems = registry.validate(interview_sources())

    assert problems == []
    assert parsed.decision_files == {"age_band": "procedures.dmn", "procedure_selection": "procedures.dmn",
                                     "counter_choice": "procedures.dmn", "procedure_table": "procedures.dmn",
                                     "counter_table": "procedures.dmn"}
    assert set(parsed.dmn_models["procedures.dmn"].decisions) == {"age_band", "procedure_selection", "counter_choice"}


def test_a_decision_id_in_two_files_is_refused(registry):
    copy = ModelSource("copy.dmn", (DMN_FIXTURES / "procedures.dmn").read_bytes())

    _parsed, problems = registry.validate([*interview_sources(), copy])

    assert any(p.file == "copy.dmn" and "procedures.dmn にもあります" in p.message for p in problems), problems


def test_outputs_replace_whole_values_and_dotted_names_reach_into_contexts():
    data = {"procedures": ["NK01", "KK01"], "case": {"counter": "陸運支局", "ward": "中原区"}, "other": 1}

    replace_outputs(data, {"procedures": ["JU03"], "case.counter": None})

    assert data == {"procedures": ["JU03"], "case": {"counter": None, "ward": "中原区"}, "other": 1}
