"""A lane's role is the one the process owner picks in the editor (the lane's `role` property), whatever the lane
is called; a lane without the property is still mapped by its name, and a role the city does not have is a
problem on the lane before anything is deployed."""
from __future__ import annotations

import pytest

from engine.errors import ModelRejected
from engine.registry import ModelSource
from engine.runtime import WorkflowRuntime
from tests.support import FIXTURE_MODELS

OPERATOR_LANE = '<bpmn:lane id="lane_operator" name="コールセンター">'


def review_with_intake_lane(name: str, role: str | None) -> ModelSource:
    """review.bpmn with the lane of its first user task (intake) renamed, and given a role property."""
    model = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
    assert OPERATOR_LANE in model
    properties = ("<bpmn:extensionElements><spiffworkflow:properties>"
                  f'<spiffworkflow:property name="role" value="{role}" />'
                  "</spiffworkflow:properties></bpmn:extensionElements>") if role is not None else ""
    changed = model.replace(OPERATOR_LANE, f'<bpmn:lane id="lane_operator" name="{name}">{properties}', 1)
    return ModelSource("review.bpmn", changed.encode("utf-8"))


def deploy(database, registry, review: ModelSource):
    with database.transaction() as session:
        return registry.deploy(session, [review, ModelSource.from_path(FIXTURE_MODELS / "priority.dmn")],
                               actor="owner1")


def intake_role(database, registry) -> str:
    case = WorkflowRuntime(database, registry).start("review", "operator1", data={"age": 70}, ward="nakahara")
    [task] = WorkflowRuntime(database, registry).list_tasks(instance_id=case.id)
    assert task.spec_name == "intake"
    return task.role


def test_a_freely_named_lane_with_the_dept_staff_role_gives_dept_staff_tasks(database, registry):
    deploy(database, registry, review_with_intake_lane("受付の第1係", "dept_staff"))
    assert intake_role(database, registry) == "dept_staff"


def test_the_role_property_wins_over_a_lane_name_that_means_another_role(database, registry):
    deploy(database, registry, review_with_intake_lane("コールセンター", "counter"))
    assert intake_role(database, registry) == "counter"


def test_a_lane_without_the_property_is_still_mapped_by_its_name(database, registry):
    deploy(database, registry, review_with_intake_lane("オペレーター", None))
    assert intake_role(database, registry) == "operator"


def test_changing_only_a_lanes_role_deploys_a_new_version_that_new_cases_follow(database, registry):
    first = deploy(database, registry, review_with_intake_lane("受付の第1係", "operator"))
    assert intake_role(database, registry) == "operator"
    second = deploy(database, registry, review_with_intake_lane("受付の第1係", "supervisor"))
    [old], [new] = first.new_versions, second.new_versions
    assert (old.process_id, new.process_id) == ("review", "review") and new.version == old.version + 1
    assert intake_role(database, registry) == "supervisor"


def test_an_unknown_role_is_a_problem_on_the_lane_and_nothing_is_deployed(database, registry):
    with pytest.raises(ModelRejected) as refused:
        deploy(database, registry, review_with_intake_lane("受付の第1係", "janitor"))
    [problem] = [p for p in refused.value.problems if p.element == "lane_operator"]
    assert "janitor" in problem.message and "dept_staff" in problem.message and problem.file == "review.bpmn"
    with database.transaction(write=False) as session:
        assert registry.list_versions(session) == []
