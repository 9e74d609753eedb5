"""The case's data is worked out on every step from one walk over the workflow's tasks; that walk must find the
same live tasks and ended branches, in the same order, as SpiffWorkflow's own task iterator, or a screen would
show the data of another branch. Checked on the journey at every step and on a model with an embedded
subprocess, parallel branches, a side branch that ends early and a boundary timer (no journey model has a
subprocess yet)."""
from __future__ import annotations

from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.runtime import case_data as case_data_module
from engine.runtime import service
from processes.notifications.scheduling import fire_due_timers
from tests.case_support import JST, book_visit, precheck_everything, visit

NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="nested" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="intake"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="side"/>
    <bpmn:userTask id="side" name="side"/>
    <bpmn:sequenceFlow id="f4" sourceRef="side" targetRef="side_end"/>
    <bpmn:endEvent id="side_end"/>
    <bpmn:userTask id="intake" name="intake"/>
    <bpmn:boundaryEvent id="overdue" attachedToRef="intake" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P30D"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="overdue" targetRef="overdue_end"/>
    <bpmn:endEvent id="overdue_end"/>
    <bpmn:sequenceFlow id="f6" sourceRef="intake" targetRef="work"/>
    <bpmn:subProcess id="work">
      <bpmn:startEvent id="work_start"/>
      <bpmn:sequenceFlow id="s1" sourceRef="work_start" targetRef="inner"/>
      <bpmn:userTask id="inner" name="inner"/>
      <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="inner_two"/>
      <bpmn:userTask id="inner_two" name="inner two"/>
      <bpmn:sequenceFlow id="s3" sourceRef="inner_two" targetRef="work_end"/>
      <bpmn:endEvent id="work_end"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f7" sourceRef="work" targetRef="close"/>
    <bpmn:userTask id="close" name="close"/>
    <bpmn:sequenceFlow id="f8" sourceRef="close" targetRef="main_end"/>
    <bpmn:endEvent id="main_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _by_iterator(workflow) -> tuple[list, list]:
    live = [t for t in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
            if getattr(t.task_spec, "bpmn_id", None) and not isinstance(t.task_spec, BoundaryEvent)]
    ended = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
    return live, ended


def _names(found: tuple[list, list]) -> tuple[list, list]:
    return [t.task_spec.bpmn_id for t in found[0]], [t.task_spec.bpmn_id for t in found[1]]


def test_the_walk_matches_the_iterator_through_subprocesses_and_branches():
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(NESTED.encode(), "nested.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("nested"), parser.get_subprocess_specs("nested"))
    workflow.do_engine_steps()
    seen = []
    for order in ("side", "intake", "inner", "inner_two", "close"):
        found = case_data_module._live_and_ended(workflow)
        assert found == _by_iterator(workflow)
        seen.append(_names(found))
        [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == order]
        task.data[order] = True
        task.run()
        workflow.do_engine_steps()
    assert workflow.is_completed()
    assert seen == [(["intake", "side"], []), (["intake"], ["side_end"]),
                    (["work", "inner"], ["side_end"]),      # inside the subprocess, as the iterator goes
                    (["work", "inner_two"], ["side_end"]), (["close"], ["work_end", "side_end"])]
    assert case_data_module.case_data(workflow) == {"side": True, "intake": True, "inner": True, "inner_two": True,
                                                    "close": True}


def test_the_walk_matches_the_iterator_at_every_step_of_the_journey(mail_platform, clock, monkeypatch):
    compared = []

    def checked(workflow):
        if not workflow.is_completed():
            found = case_data_module._live_and_ended(workflow)
            assert found == _by_iterator(workflow)
            compared.append(_names(found))
        return case_data_module.case_data(workflow)

    monkeypatch.setattr(service, "case_data", checked)
    runtime = mail_platform.runtime
    case = book_visit(runtime, datetime(2027, 2, 12, 10, 30, tzinfo=JST))
    precheck_everything(runtime, case)
    clock.move_to(datetime(2027, 2, 9, 9, 1, tzinfo=JST))
    assert fire_due_timers(mail_platform) == 1
    visit(runtime, case, followup=True, clock=clock)
    assert len(compared) >= 5
    assert any(ended for _live, ended in compared)      # the family's reminder: a side branch that ended
