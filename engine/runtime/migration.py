"""Moving a running instance to a newer version of its process, when the spec diff says it is safe.

Safe means: no task that has already run (COMPLETED, or STARTED such as a running subprocess) changed or
disappeared in the new version, and every task that is waiting (READY, WAITING) still exists there. A change
of a finished task's name or documentation only is cosmetic and allowed. Waiting tasks whose spec changed are
reset from their place and predicted again with the new spec (their human-task rows take the new title, form
and role); everything else keeps its state and data. The instance's row then points at the new version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..db.models import HumanTask, ProcessInstance
from ..dmn.serializer import DMN_SERIALIZER_CONFIG
from ..errors import TaskConflict
from ..registry.checks import FORM_PROPERTY
from . import audit
from .human_tasks import READY, _due_at, _properties, ready_user_tasks

COSMETIC = frozenset({"bpmn_name", "documentation", "description"})
"""Spec attributes whose change does not alter how a finished task behaved."""
_ATTRIBUTES = {
    "outputs": "後続の流れ", "inputs": "前の流れ", "script": "スクリプト", "prescript": "事前スクリプト",
    "postscript": "事後スクリプト", "extensions": "拡張プロパティ（フォームなど）", "lane": "レーン",
    "cond_task_specs": "分岐条件", "default_task_spec": "既定の流れ", "event_definition": "イベントの定義",
    "typename": "要素の種類", "data_input_associations": "データ入力", "data_output_associations": "データ出力",
}
_RAN = TaskState.COMPLETED | TaskState.STARTED | TaskState.ERROR
_WAITING = TaskState.READY | TaskState.WAITING
_SPEC_REGISTRY = BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, **DMN_SERIALIZER_CONFIG})


@dataclass
class MigrationCheck:
    """Whether an instance may move to a version; `reasons` (Japanese) say why not."""

    from_version: int
    to_version: int
    reasons: list[str] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)
    """waiting tasks (names) that restart with their new definition"""

    @property
    def safe(self) -> bool:
        return not self.reasons


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None)
    element = getattr(spec, "bpmn_id", None) or spec.name
    return f"「{name}」（{element}）" if name else f"「{element}」"


def _material(changes) -> list[str]:
    return [c for c in changes if c not in COSMETIC]


def _check_flow(flow, spec_diff: SpecDiff, check: MigrationCheck) -> WorkflowDiff:
    diff = WorkflowDiff(flow, spec_diff)
    changed = spec_diff.changed
    removed = set(spec_diff.removed)
    for task in flow.get_tasks(skip_subprocesses=True):
        spec = task.task_spec
        if task.has_state(_RAN):
            if spec in removed:
                check.reasons.append(f"実行済みのタスク{_label(spec)}が新しい版にありません。")
            elif _material(changed.get(spec, ())):
                what = "、".join(_ATTRIBUTES.get(c, c) for c in _material(changed[spec]))
                check.reasons.append(f"実行済みのタスク{_label(spec)}が新しい版で変更されています（{what}）。")
        elif task.has_state(_WAITING):
            if spec in removed:
                check.reasons.append(f"待機中のタスク{_label(spec)}が新しい版にありません。")
            elif spec in changed:
                check.restarted.append(_label(spec))
    return diff


def check_workflow(workflow, new_spec, new_subprocess_specs: dict, from_version: int, to_version: int):
    """(MigrationCheck, the top-level diff, the subprocess diffs) of moving `workflow` to the new specs."""
    check = MigrationCheck(from_version, to_version)
    top = _check_flow(workflow, SpecDiff(_SPEC_REGISTRY, workflow.spec, new_spec), check)
    sub_diffs = {}
    for sp_id, sp in workflow.subprocesses.items():
        new = new_subprocess_specs.get(sp.spec.name)
        if new is None:
            check.reasons.append(f"実行中のサブプロセス「{sp.spec.name}」が新しい版にありません。")
            continue
        sub_diffs[sp_id] = _check_flow(sp, SpecDiff(_SPEC_REGISTRY, sp.spec, new), check)
    check.reasons = list(dict.fromkeys(check.reasons))
    check.restarted = list(dict.fromkeys(check.restarted))
    return check, top, sub_diffs


def _move(diff: WorkflowDiff, flow, spec) -> None:
    """Point every task at its aligned new spec; restart only the waiting tasks whose spec changed, keeping their
    data (a multi-instance task's item stays). SpiffWorkflow's migrate_workflow resets every waiting task to its
    parent's data instead."""
    changed = {task.id for task in diff.changed if task.has_state(_WAITING)}
    flow.spec = spec
    for task in flow.tasks.values():
        new = diff.alignment.get(task)
        if new is not None:
            task.task_spec = new
    for task in list(flow.get_tasks(state=_WAITING, skip_subprocesses=True)):
        if task.id in changed and task.id in flow.tasks:
            task.reset_branch(dict(task.data))
    if flow.last_task is not None and flow.last_task.id not in flow.tasks:
        flow.last_task = None


class InstanceMigrator:
    """Checks and performs migrations with a WorkflowRuntime's store, registry and engine."""

    def __init__(self, runtime):
        self.runtime = runtime

    def _prepare(self, s: Session, instance_id: int, target_version_id: int):
        runtime = self.runtime
        instance = runtime.store.read(s, instance_id)
        target = runtime.registry.versions.get(s, target_version_id)
        if instance.status != "running":
            runtime._keep(instance)
            raise TaskConflict(f"instance {instance_id} is {instance.status}",
                               user_message="この案件はすでに終了しているため、版を移行できません。")
        workflow = runtime._load(instance)
        check = MigrationCheck(instance.version.version, target.version)
        if target.process_id != instance.version.process_id:
            check.reasons.append(f"別のプロセス「{target.process_id}」の版には移行できません。")
            return instance, workflow, target, check, None, {}
        if target.version <= instance.version.version:
            check.reasons.append(f"移行先（第{target.version}版）が現在の版（第{instance.version.version}版）より新しくありません。")
            return instance, workflow, target, check, None, {}
        new_spec, new_subprocess_specs = runtime.registry.specs_for(s, target)
        check, top, sub_diffs = check_workflow(workflow, new_spec, new_subprocess_specs, instance.version.version,
                                               target.version)
        return instance, workflow, target, check, top, sub_diffs

    def check(self, instance_id: int, target_version_id: int, session: Session | None = None) -> MigrationCheck:
        with self.runtime._unit(session, write=False) as s:
            instance, workflow, _target, check, _top, _subs = self._prepare(s, instance_id, target_version_id)
            self.runtime.store.cache.put(instance.id, instance.stamp, workflow)
            return check

    def migrate(self, instance_id: int, target_version_id: int, actor: str,
                session: Session | None = None) -> MigrationCheck:
        """Move the instance if it is safe (audited either way); an unsafe check is returned, nothing changed."""
        runtime = self.runtime
        with runtime._unit(session) as s:
            instance, workflow, target, check, top, sub_diffs = self._prepare(s, instance_id, target_version_id)
            detail = {"process_id": target.process_id, "from_version": check.from_version,
                      "to_version": check.to_version}
            if not check.safe:
                audit.record(s, actor, "instance.migration_refused", instance_id=instance.id,
                             detail={**detail, "reasons": check.reasons})
                return check
            ready_before = ready_user_tasks(workflow)
            new_spec, new_subprocess_specs = runtime.registry.specs_for(s, target)
            _move(top, workflow, new_spec)
            for sp_id, diff in sub_diffs.items():
                sp = workflow.subprocesses[sp_id]
                _move(diff, sp, new_subprocess_specs[sp.spec.name])
            workflow.subprocess_specs = new_subprocess_specs
            runtime._run_engine(workflow)
            instance.version, instance.specs = target, (new_spec, new_subprocess_specs)
            runtime._save(s, instance, workflow, ready_before, actor)
            s.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                      .values(process_version_id=target.id).execution_options(synchronize_session=False))
            self._refresh_task_rows(s, instance, workflow, set(ready_before))
            audit.record(s, actor, "instance.migrated", instance_id=instance.id,
                         detail={**detail, "restarted": check.restarted})
            return check

    @staticmethod
    def _refresh_task_rows(s: Session, instance, workflow, task_ids: set[str]) -> None:
        """Tasks READY before and after keep their row: give it the new version's definition (title, form, role)
        and deadline (a boundary timer of the new version may have restarted with a new due time)."""
        lane_roles = instance.version.lane_roles or {}
        for task_id, task in ready_user_tasks(workflow).items():
            if task_id not in task_ids:
                continue
            spec = task.task_spec
            s.execute(update(HumanTask).where(HumanTask.task_id == task_id, HumanTask.state == READY).values(
                spec_name=getattr(spec, "bpmn_id", None) or spec.name,
                title=getattr(spec, "bpmn_name", None) or spec.name, form=_properties(task).get(FORM_PROPERTY),
                lane=spec.lane, role=lane_roles.get(spec.lane), due_at=_due_at(task))
                .execution_options(synchronize_session=False))
