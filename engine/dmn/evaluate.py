"""Evaluating compiled decisions: required decisions first, then the decision's table or literal expression.

A scope maps names to values (task data, the inputs of a call, the results of required decisions); it is only
read. Input expressions are evaluated once per evaluation, not once per cell.
"""
from __future__ import annotations

import logging
from typing import Mapping

from . import hit_policies
from .errors import DecisionError, DmnProblem
from .model import Decision, DecisionTable, DmnModel, KnowledgeModel, LiteralExpression

log = logging.getLogger(__name__)

_FAILURE_JA = "判定「{name}」の評価に失敗しました（{where}）。プロセス管理者に連絡してください。"


def evaluate_decision(model: DmnModel, decision: Decision, scope: Mapping):
    """The decision's result as a FEEL value, evaluating the decisions it requires first."""
    plan = model.plans.get(decision.id) or (decision,)
    if len(plan) > 1:
        scope = dict(scope)
        for required in plan[:-1]:
            scope[required.variable] = evaluate_logic(required.logic, scope, required.name)
    return evaluate_logic(decision.logic, scope, decision.name)


def evaluate_logic(logic, scope: Mapping, name: str):
    """A table's or a literal expression's value; any failure becomes a DecisionError naming the decision."""
    try:
        return _value(logic, scope, name)
    except DecisionError:
        raise
    except Exception as exc:  # noqa: BLE001 - a closure failing (a runaway knowledge model, a bug) fails the decision
        rule = _failing_rule(exc)
        where = f"{rule.row} 行目" if rule is not None else ("式" if isinstance(logic, LiteralExpression) else "入力または出力")
        log.warning("decision %r failed at %s: %r", name, f"rule {rule.id}" if rule else "an expression", exc)
        raise DecisionError(f"decision {name!r} failed" + (f" at rule {rule.id} (row {rule.row})" if rule else "")
                            + f": {exc!r}", user_message=_FAILURE_JA.format(name=name, where=where)) from exc


def _value(logic, scope: Mapping, name: str):
    if isinstance(logic, DecisionTable):
        return _table_value(logic, scope, name)
    if isinstance(logic, LiteralExpression):
        return logic.expression.fn(scope, None)
    raise DecisionError(f"decision {name!r} has no logic this engine evaluates",
                        user_message=f"判定「{name}」には評価できる中身がありません。")


def _table_value(table: DecisionTable, scope: Mapping, name: str):
    inputs = [clause.expression.fn(scope, None) for clause in table.inputs]
    matched = []
    first_only = table.hit_policy == "FIRST"
    for rule in table.rules:
        for index, test in rule.tests:
            if test(inputs[index], scope) is not True:
                break
        else:
            matched.append(rule)
            if first_only:
                break
    return hit_policies.apply(table, matched, scope, name)


def _failing_rule(exc: BaseException):
    """The rule the outermost table was checking when `exc` was raised (read from the traceback, so that the
    loop above carries no bookkeeping)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is _table_value.__code__:
            return tb.tb_frame.f_locals.get("rule")
        tb = tb.tb_next
    return None


def plan_requirements(model: DmnModel) -> None:
    """For every decision, the decisions to evaluate in order (required ones first, itself last). A missing or
    circular requirement is a problem of the model."""
    plans: dict[str, tuple[Decision, ...]] = {}

    def visit(decision: Decision, path: tuple[str, ...]) -> tuple[Decision, ...] | None:
        if decision.id in plans:
            return plans[decision.id]
        if decision.id in path:
            cycle = " → ".join(model.decisions[d].name for d in (*path[path.index(decision.id):], decision.id))
            model.problems.append(DmnProblem(decision.id, f"判定の依存関係が循環しています: {cycle}", "dmn"))
            return None
        order: list[Decision] = []
        for required_id in decision.required_decisions:
            required = model.decisions.get(required_id)
            if required is None:
                model.problems.append(DmnProblem(
                    decision.id, f"判定「{decision.name}」が必要とする判定「{required_id}」がこのファイルにありません", "dmn"))
                return None
            sub = visit(required, (*path, decision.id))
            if sub is None:
                return None
            order.extend(d for d in sub if d not in order)
        plans[decision.id] = (*order, decision)
        return plans[decision.id]

    for decision in model.decisions.values():
        visit(decision, ())
    model.plans = plans


def bind_functions(model: DmnModel) -> None:
    """Make each business knowledge model callable from FEEL: its parameters become the scope of its logic."""
    for bkm in model.knowledge_models.values():
        model.functions[bkm.name].impl = _function(bkm)


def _function(bkm: KnowledgeModel):
    """Failures propagate as they are: the decision that called the function reports them, with its row."""
    def call(*args):
        if bkm.logic is None:
            return None
        return _value(bkm.logic, dict(zip(bkm.parameters, args)), bkm.name)
    return call
