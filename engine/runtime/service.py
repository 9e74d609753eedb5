"""The runtime's service layer. Each public method is one transaction (or joins the caller's session)."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Mapping
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..db.models import HumanTask, ProcessInstance
from ..db.session import Database
from ..db.types import utcnow
from ..errors import InvalidTaskData, NotFound, OkuyamiError, ScriptError, TaskConflict
from ..registry import ModelRegistry
from ..sandbox import SandboxScriptEngine
from ..sandbox.environment import ServiceHandler
from . import audit
from .human_tasks import COMPLETED, READY, sync_human_tasks
from .timers import next_wake

log = logging.getLogger(__name__)

RUNNING, DONE, CANCELLED_INSTANCE = "running", "completed", "cancelled"


@dataclass(frozen=True)
class InstanceSummary:
    id: int
    process_id: str
    version: int
    status: str
    row_version: int


class WorkflowRuntime:
    def __init__(self, database: Database, registry: ModelRegistry, script_timeout_seconds: float = 2.0,
                 services: Mapping[str, ServiceHandler] | None = None):
        self.db = database
        self.registry = registry
        self.script_engine = SandboxScriptEngine(script_timeout_seconds, services)

    @contextmanager
    def _unit(self, session: Session | None) -> Iterator[Session]:
        try:
            if session is not None:
                yield session
                session.flush()
            else:
                with self.db.transaction() as own:
                    yield own
                    own.flush()
        except StaleDataError as exc:
            raise TaskConflict("instance was changed by someone else (stale row_version)") from exc

    # instances --------------------------------------------------------------------------------------------
    def start(self, process_id: str, actor: str, data: dict | None = None, ward: str | None = None,
              session: Session | None = None) -> InstanceSummary:
        _require_json(data or {})
        with self._unit(session) as s:
            version = self.registry.live_version(s, process_id)
            spec, subprocess_specs = self.registry.specs(version)
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
            workflow.task_tree.data.update(data or {})
            self._run_engine(workflow)
            now = utcnow()
            instance = ProcessInstance(process_version=version, process_version_id=version.id, process_id=process_id,
                                       ward=ward, created_by=actor, created_at=now)
            self._store(instance, workflow, now)
            s.add(instance)
            s.flush()
            sync_human_tasks(s, instance, workflow, now, actor)
            audit.record(s, actor, "instance.started", instance_id=instance.id, after=data or {},
                         detail={"process_id": process_id, "version": version.version})
            s.flush()
            return _summary(instance)

    def cancel(self, instance_id: int, actor: str, reason: str = "", session: Session | None = None) -> InstanceSummary:
        with self._unit(session) as s:
            instance = self._instance(s, instance_id)
            if instance.status != RUNNING:
                raise TaskConflict(f"instance {instance_id} is {instance.status}",
                                   user_message="この案件はすでに終了しているため、取り消せません。")
            workflow = self._load(instance)
            # The reason is free text and may name people: it stays in the encrypted workflow, not the audit log.
            workflow.data["cancel_reason"] = reason
            workflow.cancel()
            now = utcnow()
            self._save(s, instance, workflow, actor, now, status=CANCELLED_INSTANCE)
            audit.record(s, actor, "instance.cancelled", instance_id=instance.id, detail={"reason_given": bool(reason)})
            s.flush()
            return _summary(instance)

    def get_instance(self, instance_id: int, session: Session | None = None) -> InstanceSummary:
        with self._unit(session) as s:
            return _summary(self._instance(s, instance_id))

    def instance_data(self, instance_id: int, session: Session | None = None) -> dict:
        """The data of the instance's most recently completed task (the case as the process knows it)."""
        with self._unit(session) as s:
            workflow = self._load(self._instance(s, instance_id))
            task = workflow.last_task or workflow.task_tree
            return dict(task.data)

    # human tasks ------------------------------------------------------------------------------------------
    def list_tasks(self, *, role: str | None = None, assignee: str | None = None, ward: str | None = None,
                   department: str | None = None, state: str = READY, instance_id: int | None = None,
                   limit: int = 100, offset: int = 0, session: Session | None = None) -> list[HumanTask]:
        query = select(HumanTask).where(HumanTask.state == state)
        if department is not None:
            query = query.where(HumanTask.department == department)
        if role is not None:
            query = query.where(HumanTask.role == role)
        if assignee is not None:
            query = query.where(HumanTask.assignee == assignee)
        if ward is not None:
            query = query.where(HumanTask.ward == ward)
        if instance_id is not None:
            query = query.where(HumanTask.instance_id == instance_id)
        query = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id).limit(limit).offset(offset)
        with self._unit(session) as s:
            return list(s.scalars(query))

    def task_data(self, task_ref: int, session: Session | None = None) -> dict:
        with self._unit(session) as s:
            row = self._task_row(s, task_ref)
            task = self._load(self._instance(s, row.instance_id)).get_task_from_id(UUID(row.task_id))
            return dict(task.data) if task is not None else {}

    def claim(self, task_ref: int, actor: str, session: Session | None = None) -> HumanTask:
        with self._unit(session) as s:
            row = self._open_task_row(s, task_ref)
            if row.assignee not in (None, actor):
                raise TaskConflict(f"task {task_ref} already claimed",
                                   user_message="このタスクはすでに他の担当者が引き受けています。")
            row.assignee = actor
            audit.record(s, actor, "task.claimed", instance_id=row.instance_id, task_id=row.task_id)
            return row

    def unclaim(self, task_ref: int, actor: str, session: Session | None = None) -> HumanTask:
        with self._unit(session) as s:
            row = self._open_task_row(s, task_ref)
            if row.assignee not in (None, actor):
                raise TaskConflict(f"task {task_ref} is claimed by someone else",
                                   user_message="このタスクは他の担当者が引き受けているため、解除できません。")
            row.assignee = None
            audit.record(s, actor, "task.unclaimed", instance_id=row.instance_id, task_id=row.task_id)
            return row

    def complete_task(self, task_ref: int, data: dict, actor: str, expected_row_version: int | None = None,
                      session: Session | None = None) -> InstanceSummary:
        """Complete a READY user task with the form's data and run the engine to the next wait state.

        Two people completing the same task: exactly one succeeds, the other gets TaskConflict.
        Any failure (script error, crash, conflict) leaves the stored case exactly as it was.
        """
        _require_json(data)
        with self._unit(session) as s:
            row = self._open_task_row(s, task_ref)
            if row.assignee not in (None, actor):
                raise TaskConflict(f"task {task_ref} is claimed by another user",
                                   user_message="このタスクは他の担当者が引き受けています。引き受けを解除してもらうか、"
                                                "スーパーバイザーに再割当を依頼してください。")
            instance = self._instance(s, row.instance_id)
            if expected_row_version is not None and instance.row_version != expected_row_version:
                raise TaskConflict(f"instance {instance.id} is at row_version {instance.row_version}, "
                                   f"caller expected {expected_row_version}")
            workflow = self._load(instance)
            task = workflow.get_task_from_id(UUID(row.task_id))
            if task is None or task.state != TaskState.READY:
                raise TaskConflict(f"task {task_ref} is not READY in the workflow")
            before = dict(task.data)
            task.data.update(data)
            try:
                task.run()
            except SpiffWorkflowException as exc:
                raise ScriptError(f"completing task {task_ref} failed: {exc}") from exc
            self._run_engine(workflow)
            now = utcnow()
            row.state, row.completed_at, row.completed_by = COMPLETED, now, actor
            self._save(s, instance, workflow, actor, now)
            audit.record(s, actor, "task.completed", instance_id=instance.id, task_id=row.task_id,
                         before=before, after=dict(task.data), detail={"task": row.spec_name})
            s.flush()
            return _summary(instance)

    # timers -----------------------------------------------------------------------------------------------
    def wake(self, instance_id: int, actor: str = "system", session: Session | None = None) -> InstanceSummary:
        """Fire whatever timers of the instance are due now and run the engine on."""
        with self._unit(session) as s:
            instance = self._instance(s, instance_id)
            if instance.status != RUNNING:
                return _summary(instance)
            workflow = self._load(instance)
            before = self.registry.codec.dump_workflow(workflow)
            workflow.refresh_timers()
            self._run_engine(workflow)
            if self.registry.codec.dump_workflow(workflow) == before:
                return _summary(instance)  # nothing was due yet: leave the row (and its version) alone
            self._save(s, instance, workflow, actor, utcnow())
            audit.record(s, actor, "instance.woken", instance_id=instance.id)
            s.flush()
            return _summary(instance)

    def due_instances(self, now: datetime, limit: int = 100, session: Session | None = None) -> list[int]:
        query = (select(ProcessInstance.id).where(ProcessInstance.status == RUNNING, ProcessInstance.wake_at < now)
                 .order_by(ProcessInstance.wake_at).limit(limit))
        with self._unit(session) as s:
            return list(s.scalars(query))

    # internals --------------------------------------------------------------------------------------------
    def _instance(self, s: Session, instance_id: int) -> ProcessInstance:
        instance = s.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"instance {instance_id} not found")
        return instance

    def _task_row(self, s: Session, task_ref: int) -> HumanTask:
        row = s.get(HumanTask, task_ref)
        if row is None:
            raise NotFound(f"task {task_ref} not found", user_message="指定されたタスクは見つかりません。")
        return row

    def _open_task_row(self, s: Session, task_ref: int) -> HumanTask:
        row = self._task_row(s, task_ref)
        if row.state != READY:
            raise TaskConflict(f"task {task_ref} is {row.state}",
                               user_message="このタスクはすでに完了しているか、取り消されています。")
        return row

    def _load(self, instance: ProcessInstance) -> BpmnWorkflow:
        spec, subprocess_specs = self.registry.specs(instance.process_version)
        return self.registry.codec.load_workflow(instance.workflow, spec, subprocess_specs, self.script_engine)

    def _run_engine(self, workflow: BpmnWorkflow) -> None:
        try:
            workflow.do_engine_steps()
        except OkuyamiError:
            raise
        except SpiffWorkflowException as exc:
            cause = getattr(exc, "exception", None) or exc.__cause__
            if isinstance(cause, OkuyamiError):
                raise cause from exc
            raise ScriptError(f"engine step failed: {exc}") from exc

    def _save(self, s: Session, instance: ProcessInstance, workflow: BpmnWorkflow, actor: str, now: datetime,
              status: str | None = None) -> None:
        self._store(instance, workflow, now, status)
        sync_human_tasks(s, instance, workflow, now, actor)

    def _store(self, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime, status: str | None = None) -> None:
        instance.workflow = self.registry.codec.dump_workflow(workflow)
        instance.status = status or (DONE if workflow.completed else RUNNING)
        instance.updated_at = now
        instance.wake_at = next_wake(workflow) if instance.status == RUNNING else None
        if instance.status != RUNNING:
            instance.ended_at = now


def _require_json(data) -> None:
    try:
        json.dumps(data)
    except (TypeError, ValueError) as exc:
        raise InvalidTaskData(f"task data is not JSON-serialisable: {exc}") from exc


def _summary(instance: ProcessInstance) -> InstanceSummary:
    return InstanceSummary(instance.id, instance.process_id, instance.process_version.version, instance.status,
                           instance.row_version)
