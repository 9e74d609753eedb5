"""The case's BPMN diagram as the case screen shows it: the XML of the very model version the case runs on, and
the state of each of its steps (completed, active, cancelled) from the task and timer tables beside the case."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask, ModelFile, ProcessInstance, ProcessVersion, Timer
from engine.registry.xml import BPMN_NS, parse_model_xml

COMPLETED, ACTIVE, CANCELLED = "completed", "active", "cancelled"
_TASK_STATES = {"COMPLETED": COMPLETED, "READY": ACTIVE, "CANCELLED": CANCELLED}
_TIMER_STATES = {"FIRED": COMPLETED, "WAITING": ACTIVE, "CANCELLED": CANCELLED}
_RANK = {CANCELLED: 0, COMPLETED: 1, ACTIVE: 2}
"""A step that ran several times (a pre-check per department, a moved booking) shows its liveliest state."""


def diagram_xml(session: Session, case_id: int) -> str:
    """The BPMN file of the case's own version (a case started on v1 keeps showing v1 after v2 is deployed)."""
    version_id = session.scalar(select(ProcessInstance.process_version_id).where(ProcessInstance.id == case_id))
    version = session.get(ProcessVersion, version_id)
    files = session.execute(select(ModelFile.kind, ModelFile.content).where(ModelFile.id.in_(version.file_ids))
                            .order_by(ModelFile.id)).all()
    bpmn = [content for kind, content in files if kind == "bpmn"]
    defining = [c for c in bpmn if f'id="{version.process_id}"' in c]
    return (defining or bpmn)[0]


def timer_elements(xml: str) -> dict[str, list[str]]:
    """Timer event name (or id, when it has no name) → the ids of the timer events so called: the timers table
    records a timer by its event's name."""
    found: dict[str, list[str]] = {}
    for definition in parse_model_xml(xml.encode("utf-8")).iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        for key in {event.get("name"), event.get("id")} - {None}:
            found.setdefault(key, []).append(event.get("id"))
    return found


def step_states(session: Session, case_id: int, xml: str, department: str | None = None) -> dict[str, str]:
    """BPMN element id → completed / active / cancelled, for the diagram `xml` of the case. `department`
    narrows the user tasks to that department's (a department sees only its own pre-check)."""
    states: dict[str, str] = {}

    def mark(element: str, state: str) -> None:
        if _RANK[state] >= _RANK.get(states.get(element), -1):
            states[element] = state

    tasks = select(HumanTask.spec_name, HumanTask.state, HumanTask.department).where(HumanTask.instance_id == case_id)
    for name, state, task_department in session.execute(tasks):
        if department is None or task_department in (None, department):
            mark(name, _TASK_STATES.get(state, ACTIVE))
    timers = select(Timer.event_name, Timer.state).where(Timer.instance_id == case_id)
    timer_ids = timer_elements(xml)
    for name, state in session.execute(timers):
        for element in timer_ids.get(name, ()):
            mark(element, _TIMER_STATES.get(state, ACTIVE))
    return states
