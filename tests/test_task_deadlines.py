"""A deadline set on a user task in the BPMN editor (`deadlineBusinessDays`, `deadlineDecision`) becomes the due
date of that task in the worklists, counted in business days from the visit day on the city's calendar."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from engine.db.models import HumanTask
from engine.registry import ModelSource
from engine.registry.live import DecisionNotDeployed
from engine.runtime import WorkflowRuntime
from processes.calendar.slots import JST
from processes.okuyami.task_deadlines import task_deadline
from tests.support import FIXTURE_MODELS

VISIT = {"slot_start": "2026-12-03T10:30:00+09:00", "ward": "nakahara"}   # a Thursday


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


@pytest.mark.parametrize(("days", "due"), [
    ("-1", "2026-12-02 17:00"),        # the business day before the visit
    ("0", "2026-12-03 17:00"),         # the visit day itself
    ("2", "2026-12-07 17:00"),         # Friday, then Monday: the weekend is not counted
])
def test_business_days_count_from_the_visit_day(days, due):
    assert task_deadline({"deadlineBusinessDays": days}, VISIT) == jst(due)


def test_the_city_closure_at_the_new_year_is_skipped():
    visit = {"slot_start": "2027-01-04T09:00:00+09:00", "ward": "nakahara"}
    assert task_deadline({"deadlineBusinessDays": "-1"}, visit) == jst("2026-12-28 17:00")


def test_a_task_without_a_deadline_rule_has_no_due_date():
    assert task_deadline({"formJsonSchemaFilename": "visit.json"}, VISIT) is None


VISIT_DEADLINE_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="t">
  <decision id="visit_deadline" name="来庁対応の期限">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1" label="区"><inputExpression id="e1" typeRef="string"><text>ward</text></inputExpression></input>
      <output id="o1" name="business_days" typeRef="number" />
      <rule id="r1"><inputEntry id="a1"><text>"nakahara"</text></inputEntry><outputEntry id="b1"><text>1</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="a2"><text>-</text></inputEntry><outputEntry id="b2"><text>5</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_a_deployed_decision_gives_the_number_of_business_days(database, registry):
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("deadline.dmn", VISIT_DEADLINE_DMN.encode("utf-8"))], actor="test")
    with database.transaction(write=False) as session:
        assert task_deadline({"deadlineDecision": "visit_deadline"}, VISIT, session) == jst("2026-12-04 17:00")
        assert task_deadline({"deadlineDecision": "visit_deadline"}, dict(VISIT, ward="tama"), session) == \
            jst("2026-12-10 17:00")


def test_a_decision_that_was_never_deployed_is_refused_with_a_japanese_message(database):
    with database.transaction(write=False) as session, pytest.raises(DecisionNotDeployed) as refused:
        task_deadline({"deadlineDecision": "visit_deadline"}, VISIT, session)
    assert "visit_deadline" in refused.value.user_message and "登録" in refused.value.user_message


def test_the_worklist_row_of_a_task_with_a_deadline_rule_carries_its_due_date(database, registry):
    review = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8")
    with_rule = review.replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="intake.json" />',
        '<spiffworkflow:property name="formJsonSchemaFilename" value="intake.json" />'
        '<spiffworkflow:property name="deadlineBusinessDays" value="-1" />', 1)
    assert with_rule != review
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("review.bpmn", with_rule.encode("utf-8")),
                                  ModelSource.from_path(FIXTURE_MODELS / "priority.dmn")], actor="test")
    runtime = WorkflowRuntime(database, registry, deadline_policy=task_deadline)
    case = runtime.start("review", "test", data=dict(VISIT, age=70), ward="nakahara")
    with database.transaction(write=False) as session:
        row = session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
    assert row.spec_name == "intake" and row.due_at == jst("2026-12-02 17:00")


@pytest.mark.parametrize(("properties", "message"), [
    ({"deadlineBusinessDays": "翌日"}, "整数で書いてください"),
    ({"deadlineBusinessDays": "365"}, "範囲で指定してください"),
    ({"deadlineDecision": "no_such_decision"}, "登録済みの DMN にも今回登録する DMN にもありません"),
])
def test_a_deadline_rule_that_cannot_work_is_a_problem_on_its_task_before_deploy(case_runtime, properties,
                                                                                  message):
    from engine.settings import PROJECT_ROOT
    from processes.modelling.service import validate_model

    case_model = (PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn").read_text(encoding="utf-8")
    marker = '<spiffworkflow:property name="formJsonSchemaFilename" value="visit.json" />'
    assert marker in case_model
    (name, value), = properties.items()
    broken = case_model.replace(marker, marker + f'<spiffworkflow:property name="{name}" value="{value}" />', 1)

    def problems(content: str) -> list:
        with case_runtime.db.transaction(write=False) as session:
            return validate_model("bpmn", content.encode("utf-8"), session=session, registry=case_runtime.registry,
                                  name="okuyami_case.bpmn")

    assert problems(case_model) == []
    [problem] = problems(broken)
    assert problem.element == "visit" and message in problem.message


def test_a_sound_deadline_rule_passes_the_checks():
    from processes.okuyami.task_deadlines import deadline_rule_problem

    assert deadline_rule_problem({"deadlineBusinessDays": "-1"}) is None
    assert deadline_rule_problem({"deadlineDecision": "deadlines"}, {"deadlines", "procedure_selection"}) is None
