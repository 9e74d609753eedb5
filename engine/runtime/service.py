"""The runtime's service layer. Each public method is one transaction (or joins the caller's session)."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Mapping

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..db.driver import all_rows, one_row
from ..db.models import HumanTask, ProcessInstance
from ..db.session import Database, after_commit
from ..db.types import utcnow
from ..errors import InvalidTaskData, NotFound, OkuyamiError, ScriptError, TaskConflict
from ..registry import ModelRegistry
from ..sandbox import SandboxScriptEngine
from ..sandbox.environment import ServiceHandler
from . import audit
from .case_data import CaseDataMemo, case_data, stored_case_data
from .human_tasks import READY, DeadlinePolicy, human_task_changes, ready_user_tasks
from .instance_store import InstanceStore, LoadedInstance, TaskRow
from .open_tasks import OpenTask, open_tasks
from .operation import in_operation
from .statements import ASSIGN_TASK, ASSIGN_UNASSIGNED_TASK, LIVE_VERSION_ID
from .step_write import StepWrite, insert_values, update_values, write_step, written_here
from .task_lookup import find_task
from .timers import fired, next_wake, timer_changes, waiting_timers

log = logging.getLogger(__name__)

RUNNING, DONE, CANCELLED_INSTANCE = "running", "completed", "cancelled"


@dataclass(frozen=True)
class InstanceSummary:
    id: int
    process_id: str
    version: int
    status: str
    row_version: int
    new_tasks: tuple[int, ...] = ()
    """Human tasks (ids) that this operation made READY: where the person's work goes next."""
    timers_fired: int = 0
    """Timers this operation fired (rows of the timers table it marked FIRED)."""


class WorkflowRuntime:
    def __init__(self, database: Database, registry: ModelRegistry, script_timeout_seconds: float = 2.0,
                 services: Mapping[str, ServiceHandler] | None = None, workflow_cache_size: int = 512,
                 deadline_policy: DeadlinePolicy | None = None):
        self.db = database
        self.deadline_policy = deadline_policy
        self.registry = registry
        self.script_engine = SandboxScriptEngine(script_timeout_seconds, services)
        self.store = InstanceStore(registry, workflow_cache_size)
        self.case_data = CaseDataMemo(workflow_cache_size)

    @contextmanager
    def _unit(self, session: Session | None, write: bool = True) -> Iterator[Session]:
        if session is not None:
            with in_operation(session):
                yield session
        else:
            with self.db.transaction(write=write) as own, in_operation(own):
                yield own

    # instances --------------------------------------------------------------------------------------------
    def start(self, process_id: str, actor: str, data: dict | None = None, ward: str | None = None,
              session: Session | None = None) -> InstanceSummary:
        _require_json(data or {})
        with self._unit(session) as s:
            version = self.registry.versions.get(s, self._live_version_id(s, process_id))
            spec, subprocess_specs = self.registry.specs_for(s, version)
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
            workflow.task_tree.data.update(data or {})
            self._run_engine(workflow)
            now = utcnow()
            status = _status(workflow)
            timers = _timers(workflow, status)
            blob, data_now = self.registry.codec.dump_workflow(workflow), case_data(workflow)
            task_closes, task_rows = human_task_changes(s, version, ward, workflow, {}, now, actor,
                                                        self.deadline_policy)
            timer_closes, timer_rows = timer_changes(workflow, {}, timers, now)
            instance_id, new_tasks = write_step(s, StepWrite(
                insert_values(version.id, version.process_id, blob, status=status, ward=ward,
                              wake_at=next_wake(timers), actor=actor, now=now,
                              case_data=stored_case_data(data_now)),
                task_closes, task_rows, timer_closes, timer_rows,
                audit.entry(actor, "instance.started", after=data or {},
                            detail={"process_id": process_id, "version": version.version})))
            instance = self.store.written(s, instance_id, version, status=status, ward=ward, created_at=now)
            self.store.remember(s, instance, workflow)
            self._remember_data(s, instance, data_now)
            return _summary(instance, new_tasks)

    def cancel(self, instance_id: int, actor: str, reason: str = "", session: Session | None = None) -> InstanceSummary:
        with self._unit(session) as s:
            instance, workflow, ready_before = self._running(s, instance_id, "この案件はすでに終了しているため、取り消せません。")
            # The reason is free text and may name people: it stays in the encrypted workflow, not the audit log.
            workflow.data["cancel_reason"] = reason
            workflow.cancel()
            self._save(s, instance, workflow, ready_before, actor, status=CANCELLED_INSTANCE,
                       audited=audit.entry(actor, "instance.cancelled", detail={"reason_given": bool(reason)}))
            return _summary(instance)

    def get_instance(self, instance_id: int, session: Session | None = None) -> InstanceSummary:
        with self._unit(session, write=False) as s:
            instance = self.store.read(s, instance_id)
            self._keep(instance)
            return _summary(instance)

    def instance_data(self, instance_id: int, session: Session | None = None) -> dict:
        """The case as the process knows it: the data where the instance has come furthest on its main line."""
        with self._unit(session, write=False) as s:
            return self._data(s, self.store.read(s, instance_id))

    def instance_with_data(self, instance_id: int, session: Session | None = None) -> tuple[InstanceSummary, dict]:
        """get_instance and instance_data from one read of the instance's row."""
        with self._unit(session, write=False) as s:
            instance = self.store.read(s, instance_id)
            return _summary(instance), self._data(s, instance)

    def _data(self, session: Session, instance: LoadedInstance) -> dict:
        """Kept by this process for the row, else as the row stores it beside the workflow, else from the workflow."""
        data = self.case_data.get(instance.id, instance.stamp)
        if data is not None:
            self._keep(instance)
            return data
        data = instance.stored_data
        if data is not None:
            self._keep(instance)
        else:
            data = case_data(self._peek(session, instance))
        self._remember_data(session, instance, data)
        return dict(data)

    def _remember_data(self, session: Session, instance: LoadedInstance, data: dict) -> None:
        instance_id, stamp = instance.id, instance.stamp
        if written_here(session, instance_id):
            after_commit(session, lambda: self.case_data.put(instance_id, stamp, data))
        else:
            self.case_data.put(instance_id, stamp, data)

    # human tasks ------------------------------------------------------------------------------------------
    def list_tasks(self, *, role: str | None = None, assignee: str | None = None, ward: str | None = None,
                   department: str | None = None, state: str = READY, instance_id: int | None = None,
                   limit: int = 100, offset: int = 0, session: Session | None = None) -> list[HumanTask]:
        # literal, not bound: a prepared generic plan with `state = $1` could not use the partial indexes
        query = select(HumanTask).where(HumanTask.state == bindparam("state", state, literal_execute=True))
        for column, value in ((HumanTask.role, role), (HumanTask.assignee, assignee), (HumanTask.ward, ward),
                              (HumanTask.department, department), (HumanTask.instance_id, instance_id)):
            if value is not None:
                query = query.where(column == value)
        query = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id).limit(limit).offset(offset)
        with self._unit(session, write=False) as s:
            return list(s.scalars(query))

    def open_tasks(self, instance_id: int, session: Session | None = None) -> list[OpenTask]:
        """list_tasks(instance_id=...) for reading only: the open tasks' shown columns, not ORM objects."""
        with self._unit(session, write=False) as s:
            return open_tasks(s, instance_id)

    def task_with_data(self, task_ref: int, session: Session | None = None) -> tuple[OpenTask, dict | None]:
        """A task as shown, with its data (task_data) when it is READY, else None: one read of the task's row and
        its instance's."""
        with self._unit(session, write=False) as s:
            task, instance = self.store.read_shown_task(s, task_ref)
            if task.state != READY:
                self._keep(instance)
                return task, None
            found = find_task(self._peek(s, instance), task.task_id)
            return task, dict(found.data) if found is not None else {}

    def task_data(self, task_ref: int, session: Session | None = None) -> dict:
        with self._unit(session, write=False) as s:
            row, instance = self.store.read_task(s, task_ref)
            task = find_task(self._peek(s, instance), row.task_id)
            return dict(task.data) if task is not None else {}

    def tasks_data(self, instance_id: int, task_ids: list[str], session: Session | None = None) -> dict[str, dict]:
        """The data of several tasks of one instance (by their workflow task ids), reading the instance once;
        a task the engine no longer has gives {}."""
        with self._unit(session, write=False) as s:
            workflow = self._peek(s, self.store.read(s, instance_id))
            return {task_id: dict(task.data) if (task := find_task(workflow, task_id)) is not None else {}
                    for task_id in task_ids}

    def claim(self, task_ref: int, actor: str, session: Session | None = None) -> TaskRow:
        return self._assign(task_ref, actor, actor, "task.claimed", session)

    def unclaim(self, task_ref: int, actor: str, session: Session | None = None) -> TaskRow:
        return self._assign(task_ref, actor, None, "task.unclaimed", session)

    def complete_task(self, task_ref: int, data: dict, actor: str, expected_row_version: int | None = None,
                      session: Session | None = None) -> InstanceSummary:
        """Complete a READY user task with the form's data and run the engine to the next wait state.

        Two people completing the same task: exactly one succeeds, the other gets TaskConflict.
        Any failure (script error, crash, conflict) leaves the stored case exactly as it was.
        """
        _require_json(data)
        with self._unit(session) as s:
            row, instance = self.store.read_task(s, task_ref)
            _require_open(row)
            if row.assignee not in (None, actor):
                raise TaskConflict(f"task {task_ref} is claimed by another user",
                                   user_message="このタスクは他の担当者が引き受けています。引き受けを解除してもらうか、"
                                                "スーパーバイザーに再割当を依頼してください。")
            if expected_row_version is not None and instance.row_version != expected_row_version:
                raise TaskConflict(f"instance {instance.id} is at row_version {instance.row_version}, "
                                   f"caller expected {expected_row_version}")
            workflow = self._load(instance)
            task = find_task(workflow, row.task_id)
            if task is None or task.state != TaskState.READY:
                raise TaskConflict(f"task {task_ref} is not READY in the workflow")
            ready_before = ready_user_tasks(workflow)
            before = dict(task.data)
            task.data.update(data)
            try:
                task.run()
            except SpiffWorkflowException as exc:
                raise ScriptError(f"completing task {task_ref} failed: {exc}") from exc
            self._run_engine(workflow)
            new_tasks = self._save(s, instance, workflow, ready_before, actor, audited=audit.entry(
                actor, "task.completed", task_id=row.task_id, before=before, after=dict(task.data),
                detail={"task": row.spec_name}))
            return _summary(instance, new_tasks)

    def message(self, instance_id: int, name: str, actor: str, payload: dict | None = None,
                session: Session | None = None) -> InstanceSummary:
        """Deliver a BPMN message (e.g. a cancelled or moved booking) to a running instance that waits for it."""
        _require_json(payload or {})
        with self._unit(session) as s:
            instance, workflow, ready_before = self._running(s, instance_id, "この案件はすでに終了しています。")
            try:
                workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload or {}))
            except WorkflowException as exc:
                raise TaskConflict(f"instance {instance_id} is not waiting for message {name!r}",
                                   user_message="この案件は、現在その操作を受け付けられない段階です。") from exc
            self._run_engine(workflow)
            new_tasks = self._save(s, instance, workflow, ready_before, actor, audited=audit.entry(
                actor, "instance.message", after=payload or {}, detail={"message": name}))
            return _summary(instance, new_tasks)

    # timers -----------------------------------------------------------------------------------------------
    def wake(self, instance_id: int, actor: str = "system", now: datetime | None = None,
             session: Session | None = None) -> InstanceSummary:
        """Fire whatever timers of the instance are due and run the engine on; write nothing if none was.

        SpiffWorkflow compares timers with the real clock (`datetime.now(timezone.utc)`), so a timer fires when
        it is due by the real clock; `now` (default: the clock) decides which of the timers that stopped waiting
        count as FIRED and stamps them. Callers pass a `now` at or before the clock (see engine.scheduler).
        """
        with self._unit(session) as s:
            instance = self.store.read(s, instance_id)
            if instance.status != RUNNING:
                self._keep(instance)
                return _summary(instance)
            workflow = self._load(instance)
            states = _task_states(workflow)
            ready_before = ready_user_tasks(workflow)
            workflow.refresh_timers()
            self._run_engine(workflow)
            if _task_states(workflow) == states:
                return _summary(instance)
            new_tasks = self._save(s, instance, workflow, ready_before, actor, now=now,
                                   audited=audit.entry(actor, "instance.woken"))
            return _summary(instance, new_tasks)

    def due_instances(self, now: datetime, limit: int = 100, session: Session | None = None) -> list[int]:
        query = (select(ProcessInstance.id).where(ProcessInstance.status == RUNNING, ProcessInstance.wake_at < now)
                 .order_by(ProcessInstance.wake_at).limit(limit))
        with self._unit(session, write=False) as s:
            return list(s.scalars(query))

    # internals --------------------------------------------------------------------------------------------
    def _live_version_id(self, s: Session, process_id: str) -> int:
        row = one_row(s.connection(), LIVE_VERSION_ID, {"process_id": process_id})
        if row is None:
            raise NotFound(f"no deployed version of process {process_id!r}",
                           user_message=f"プロセス「{process_id}」はまだ登録されていません。")
        return row[0]

    def _running(self, s: Session, instance_id: int, ended_message: str) -> tuple[LoadedInstance, BpmnWorkflow, dict]:
        """A running instance with its workflow and READY user tasks, or TaskConflict (in `ended_message`)."""
        instance = self.store.read(s, instance_id)
        if instance.status != RUNNING:
            self._keep(instance)
            raise TaskConflict(f"instance {instance_id} is {instance.status}", user_message=ended_message)
        workflow = self._load(instance)
        return instance, workflow, ready_user_tasks(workflow)

    def _assign(self, task_ref: int, actor: str, assignee: str | None, action: str,
                session: Session | None) -> TaskRow:
        with self._unit(session) as s:
            row, instance = self.store.read_task(s, task_ref)
            self._keep(instance)
            _require_open(row)
            if row.assignee not in (None, actor):
                raise TaskConflict(f"task {task_ref} is claimed by {row.assignee!r}, not {actor!r}",
                                   user_message="このタスクはすでに他の担当者が引き受けています。")
            changed = all_rows(s.connection(), ASSIGN_UNASSIGNED_TASK if row.assignee is None else ASSIGN_TASK,
                               {"task_ref": task_ref, "open_state": READY, "holder": row.assignee,
                                "assignee": assignee})
            if len(changed) != 1:
                raise TaskConflict(f"task {task_ref} changed while being (un)claimed",
                                   user_message="このタスクは他の担当者が先に更新しました。画面を再読み込みしてください。")
            audit.record(s, actor, action, instance_id=row.instance_id, task_id=row.task_id)
            return TaskRow(row.id, row.task_id, row.instance_id, row.state, assignee, row.spec_name)

    def _load(self, instance: LoadedInstance) -> BpmnWorkflow:
        """The instance's workflow, to be advanced: from the cache if this process holds the current version."""
        workflow = instance.cached_workflow
        if workflow is None:
            spec, subprocess_specs = instance.specs
            workflow = self.registry.codec.load_workflow(instance.blob, spec, subprocess_specs, self.script_engine)
        instance.timers_before = waiting_timers(workflow)
        return workflow

    def _peek(self, session: Session, instance: LoadedInstance) -> BpmnWorkflow:
        """The workflow for reading only: goes back into the cache unchanged."""
        workflow = instance.cached_workflow
        if workflow is None:
            workflow = self.store.written_workflow(session, instance) or self._load(instance)
        self.store.put_back(session, instance, workflow)
        return workflow

    def _keep(self, instance: LoadedInstance) -> None:
        if instance.cached_workflow is not None:
            self.store.cache.put(instance.id, instance.stamp, instance.cached_workflow)

    def _run_engine(self, workflow: BpmnWorkflow) -> None:
        try:
            workflow.do_engine_steps()
        except OkuyamiError:
            raise
        except SpiffWorkflowException as exc:
            cause = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
            if isinstance(cause, OkuyamiError):
                raise cause from exc
            raise ScriptError(f"engine step failed: {exc}") from exc

    def _save(self, s: Session, instance: LoadedInstance, workflow: BpmnWorkflow, ready_before: dict, actor: str,
              status: str | None = None, now: datetime | None = None, audited: dict | None = None) -> tuple[int, ...]:
        """Write the step (instance row, query tables, `audited`: an audit.entry) under the version check."""
        clock = utcnow()
        status = status or _status(workflow)
        timers = _timers(workflow, status)
        blob, data_now = self.registry.codec.dump_workflow(workflow), case_data(workflow)
        task_closes, task_rows = human_task_changes(s, instance.version, instance.ward, workflow, ready_before,
                                                    clock, actor, self.deadline_policy)
        timer_closes, timer_rows = timer_changes(workflow, instance.timers_before or {}, timers, now or clock)
        _, new_tasks = write_step(s, StepWrite(
            update_values(instance.id, instance.row_version, blob, status=status, wake_at=next_wake(timers),
                          now=clock, case_data=stored_case_data(data_now)),
            task_closes, task_rows, timer_closes, timer_rows, audited))
        instance.row_version += 1
        instance.status = status
        instance.timers_fired = fired(timer_closes)
        instance.timers_before = timers
        instance.sealed_data = None
        self._remember_data(s, instance, data_now)
        if status == RUNNING:
            self.store.remember(s, instance, workflow)
        return tuple(new_tasks)


def _status(workflow: BpmnWorkflow) -> str:
    return DONE if workflow.completed else RUNNING


def _timers(workflow: BpmnWorkflow, status: str) -> dict:
    """The waiting timers to record: none once the instance has ended (its remaining timers are CANCELLED)."""
    return waiting_timers(workflow) if status == RUNNING else {}


def _task_states(workflow: BpmnWorkflow) -> dict:
    """Every task's state, by id (a plain scan: SpiffWorkflow's task iterator costs several times more)."""
    return {t.id: t.state for flow in (workflow, *workflow.subprocesses.values()) for t in flow.tasks.values()}


def _require_open(row: TaskRow) -> None:
    if row.state != READY:
        raise TaskConflict(f"task {row.id} is {row.state}",
                           user_message="このタスクはすでに完了しているか、取り消されています。")


def _require_json(data) -> None:
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise InvalidTaskData(f"task data is not JSON-serialisable: {exc}") from exc


def _summary(instance: LoadedInstance, new_tasks=()) -> InstanceSummary:
    return InstanceSummary(instance.id, instance.version.process_id, instance.version.version, instance.status,
                           instance.row_version, tuple(new_tasks), instance.timers_fired)
