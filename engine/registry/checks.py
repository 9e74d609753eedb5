"""The registry's own rules on top of SpiffWorkflow's: lanes map to roles, user tasks have forms, scripts and
expressions compile in the sandbox, DMN tables use a hit policy the engine honours and every DMN cell compiles
as FEEL."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Iterable, Mapping

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.service_task import ServiceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from ..dmn import HIT_POLICIES
from ..dmn.model import DmnModel
from ..sandbox import check_expression, check_script
from .parsing import ParsedModels, ParsedProcess
from .problems import Problem
from .roles import LanePolicy
from .xml import model_kind

FORM_PROPERTY = "formJsonSchemaFilename"
DEPARTMENT_PROPERTY = "department"
"""A user task property: an expression on the task's data naming the department whose staff see the task."""
_UNQUOTED_TIMER = re.compile(r"(R\d*/)?P[0-9YMWDTHS.]+|\d{4}-\d{2}-\d{2}T[0-9:.+\-Z]+")
"""An ISO 8601 duration or date-time written bare: in SpiffWorkflow a timer is a Python expression."""
DEFAULT_HIT_POLICIES = HIT_POLICIES
"""Every DMN 1.3 hit policy engine.dmn evaluates; an aggregation is named "COLLECT SUM" and so on."""


@dataclass(frozen=True)
class CheckRules:
    lanes: LanePolicy
    form_exists: Callable[[str], bool] | None = None
    services: frozenset[str] | None = None
    hit_policies: frozenset[str] = DEFAULT_HIT_POLICIES
    form_property: str = FORM_PROPERTY
    task_property_check: Callable[[Mapping[str, str], AbstractSet[str]], str | None] | None = None
    """The application's check of a user task's extension properties (e.g. a deadline rule), given the decision
    ids of the model set being checked: a message, or None."""
    deploy_checks: tuple[Callable, ...] = ()
    """Checks the application runs on every deploy after the models validate, before anything is written:
    `check(session, changed_sources) -> list[Problem]` (e.g. the saved example interviews of a decision)."""


@dataclass
class _Checker:
    rules: CheckRules
    decisions: AbstractSet[str] = frozenset()
    """every decision (and decision table) id the model set defines"""
    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, element: str | None, message: str, code: str) -> None:
        self.problems.append(Problem(file, element, message, code))

    def script(self, file: str, element: str | None, what: str, source: str | None) -> None:
        if source and source.strip():
            for p in check_script(source):
                line = f"{p.line}行目: " if p.line else ""
                self.add(file, element, f"{what}がサンドボックスで実行できません（{line}{p.message}）", "script")

    def expression(self, file: str, element: str | None, what: str, source) -> None:
        if isinstance(source, str) and source.strip():
            for p in check_expression(source):
                self.add(file, element, f"{what}「{source.strip()}」がサンドボックスで評価できません（{p.message}）",
                         "expression")


def _all_task_specs(process: ParsedProcess) -> Iterable[tuple[str, object]]:
    for spec in [process.spec, *process.subprocess_specs.values()]:
        file = getattr(spec, "file", None) or process.file
        for task_spec in spec.task_specs.values():
            yield file, task_spec


def _check_lanes(c: _Checker, process: ParsedProcess) -> None:
    for lane_name, lane_id in process.lanes.items():
        declared = process.declared_roles.get(lane_name)
        if c.rules.lanes.role_for(lane_name, declared) is not None:
            continue
        if declared is not None:
            c.add(process.file, lane_id, f"レーン「{lane_name}」の担当ロール「{declared}」は登録されていません。"
                                         f"使えるロール: {'、'.join(c.rules.lanes.roles)}", "lane")
        else:
            c.add(process.file, lane_id,
                  f"レーン「{lane_name}」に対応するロールがありません。使えるロール: {c.rules.lanes.describe()}", "lane")


def _check_task(c: _Checker, file: str, task_spec, declared_roles: Mapping[str, str]) -> None:
    element = getattr(task_spec, "bpmn_id", None) or task_spec.name
    label = getattr(task_spec, "bpmn_name", None) or element
    if isinstance(task_spec, UserTask):
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        form = properties.get(c.rules.form_property)
        if not form:
            c.add(file, element, f"ユーザータスク「{label}」にフォームが指定されていません"
                                 f"（spiffworkflow:property {c.rules.form_property}）", "form")
        elif c.rules.form_exists is not None and not c.rules.form_exists(form):
            c.add(file, element, f"ユーザータスク「{label}」のフォーム「{form}」が forms/tasks/ にありません", "form")
        c.expression(file, element, f"ユーザータスク「{label}」の担当課の式", properties.get(DEPARTMENT_PROPERTY))
        if c.rules.task_property_check is not None and (message := c.rules.task_property_check(properties, c.decisions)):
            c.add(file, element, f"ユーザータスク「{label}」: {message}", "property")
        role = c.rules.lanes.role_for(task_spec.lane, declared_roles.get(task_spec.lane))
        if task_spec.lane is None:
            c.add(file, element, f"ユーザータスク「{label}」がレーンに入っていないため、担当ロールが決まりません", "lane")
        elif role == c.rules.lanes.system_role:
            c.add(file, element, f"ユーザータスク「{label}」がシステムのレーンにあります。人が担当するレーンに移してください",
                  "lane")
    if isinstance(task_spec, ScriptTask):
        c.script(file, element, f"スクリプトタスク「{label}」のスクリプト", task_spec.script)
    c.script(file, element, f"「{label}」の事前スクリプト", getattr(task_spec, "prescript", None))
    c.script(file, element, f"「{label}」の事後スクリプト", getattr(task_spec, "postscript", None))
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        # SpiffWorkflow wraps each flow's condition text in a _BpmnCondition operator (the text is args[0]).
        source = condition.args[0] if getattr(condition, "args", None) else condition
        c.expression(file, element, f"ゲートウェイ「{label}」の条件式", source)
    if isinstance(task_spec, CatchingEvent):
        definition = task_spec.event_definition
        timer = getattr(definition, "expression", None)
        if isinstance(timer, str) and _UNQUOTED_TIMER.fullmatch(timer.strip()):
            c.add(file, element, f"イベント「{label}」のタイマー式「{timer.strip()}」は引用符で囲んでください"
                                 f"（例: \"{timer.strip()}\"）", "timer")
        else:
            c.expression(file, element, f"イベント「{label}」のタイマー式", timer)
        c.expression(file, element, f"イベント「{label}」の条件式", getattr(definition, "condition", None))
    if isinstance(task_spec, LoopTask):
        c.expression(file, element, f"「{label}」の繰り返し条件", getattr(task_spec, "condition", None))
        c.expression(file, element, f"「{label}」の件数式", getattr(task_spec, "cardinality", None))
    if isinstance(task_spec, ServiceTask) and c.rules.services is not None:
        operation = getattr(task_spec, "operation_name", None)
        if operation not in c.rules.services:
            c.add(file, element, f"サービスタスク「{label}」の処理「{operation}」は登録されていません。"
                                 f"使える処理: {'、'.join(sorted(c.rules.services)) or 'なし'}", "service")


def _check_dmn_model(c: _Checker, file: str, model: DmnModel | None) -> None:
    """What the FEEL compiler refused: cells (rule id, row), input and literal expressions, structure. Hit
    policies are left to `_check_hit_policies`, which applies the configured set."""
    for problem in model.problems if model is not None else ():
        if problem.code != "hit_policy":
            c.add(file, problem.element, problem.message, problem.code)


def _check_hit_policies(c: _Checker, file: str, root: etree._Element) -> None:
    for table in root.iter("{*}decisionTable"):
        policy = (table.get("hitPolicy") or "UNIQUE").strip().upper()
        aggregation = (table.get("aggregation") or "").strip().upper()
        shown = policy + (f" {aggregation}" if aggregation else "")
        if shown not in c.rules.hit_policies:
            c.add(file, table.get("id"), f"ヒットポリシー「{shown}」には対応していません。"
                                         f"使えるもの: {'、'.join(sorted(c.rules.hit_policies))}", "hit_policy")


def check_models(parsed: ParsedModels, rules: CheckRules) -> list[Problem]:
    c = _Checker(rules, frozenset(parsed.decision_files))
    for name, root in parsed.roots.items():
        if model_kind(root) == "dmn":
            _check_hit_policies(c, name, root)
            _check_dmn_model(c, name, parsed.dmn_models.get(name))
    every_declared = {lane: role for p in parsed.processes.values() for lane, role in p.declared_roles.items()}
    for process in parsed.processes.values():
        _check_lanes(c, process)
        declared_roles = {**every_declared, **process.declared_roles}
        for file, task_spec in _all_task_specs(process):
            _check_task(c, file, task_spec, declared_roles)
    unique: dict[tuple, Problem] = {}
    for problem in c.problems:
        unique.setdefault((problem.file, problem.element, problem.message), problem)
    return list(unique.values())
