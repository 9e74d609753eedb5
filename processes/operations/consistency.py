"""Does every instance agree with its query tables? The check behind the fault tests (a process killed with kill -9
must leave nothing half written): for each instance, the workflow blob's READY user tasks are the READY rows of
`human_tasks`, its waiting timers are the WAITING rows of `timers`, the case data stored beside it is the data it
holds, its start and every completed task are in the audit log. Reading only."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.db.models import AuditEntry, HumanTask, ProcessInstance, Timer
from engine.runtime import WorkflowRuntime
from engine.runtime.case_data import case_data
from engine.runtime.human_tasks import ready_user_tasks
from engine.runtime.timers import waiting_timers


@dataclass(frozen=True)
class Disagreement:
    instance_id: int
    what: str


def _check_one(session, runtime: WorkflowRuntime, instance_id: int) -> list[Disagreement]:
    loaded = runtime.store.read(session, instance_id)
    spec, subprocess_specs = loaded.specs
    workflow = runtime.registry.codec.load_workflow(loaded.blob, spec, subprocess_specs, runtime.script_engine)
    found = []
    ready_rows = set(session.scalars(select(HumanTask.task_id).where(HumanTask.instance_id == instance_id,
                                                                     HumanTask.state == "READY")))
    if set(ready_user_tasks(workflow)) != ready_rows:
        found.append(Disagreement(instance_id, "open tasks differ from the workflow"))
    timer_rows = set(session.scalars(select(Timer.task_id).where(Timer.instance_id == instance_id,
                                                                 Timer.state == "WAITING")))
    expected_timers = set(waiting_timers(workflow)) if loaded.status == "running" else set()
    if expected_timers != timer_rows:
        found.append(Disagreement(instance_id, "waiting timers differ from the workflow"))
    stored = loaded.stored_data
    if stored is not None and stored != case_data(workflow):
        found.append(Disagreement(instance_id, "the stored case data differs from the workflow"))
    audited = set(session.scalars(select(AuditEntry.task_id).where(AuditEntry.instance_id == instance_id,
                                                                   AuditEntry.action == "task.completed")))
    completed = set(session.scalars(select(HumanTask.task_id).where(HumanTask.instance_id == instance_id,
                                                                    HumanTask.state == "COMPLETED")))
    if not completed <= audited:
        found.append(Disagreement(instance_id, "a completed task has no audit entry"))
    started = session.scalar(select(AuditEntry.id).where(AuditEntry.instance_id == instance_id,
                                                         AuditEntry.action == "instance.started").limit(1))
    if started is None:
        found.append(Disagreement(instance_id, "the start is not audited"))
    return found


def disagreements(runtime: WorkflowRuntime) -> list[Disagreement]:
    with runtime.db.transaction(write=False) as session:
        ids = list(session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
    found = []
    for instance_id in ids:
        with runtime.db.transaction(write=False) as session:
            found += _check_one(session, runtime, instance_id)
    return found
