"""DMN 1.3 hit policies: what a decision table returns given the rules that matched (in rule order).

Single hit: UNIQUE (more than one match is an error), ANY (matches must agree), FIRST, PRIORITY (the match whose
outputs come first in the outputs' value lists). Multiple hit: RULE ORDER, OUTPUT ORDER (sorted by those value
lists) and COLLECT (rule order, or aggregated: SUM, MIN, MAX, COUNT over the matched outputs).

A single output gives its value; several outputs give a context {output name: value} (a compound output).
With no match, a single-hit table gives its default output entries (null when there are none) and a
multiple-hit table an empty list (COUNT 0, SUM / MIN / MAX null).
"""
from __future__ import annotations

from typing import Mapping

from . import values
from .builtins import BUILTINS
from .errors import HitPolicyViolation
from .model import DecisionTable, Rule


def _rows_ja(rules: list[Rule]) -> str:
    return "、".join(f"{r.row} 行目（{r.id}）" for r in rules)


def _rows_en(rules: list[Rule]) -> str:
    return ", ".join(f"{r.id} (row {r.row})" for r in rules)


def rule_output(table: DecisionTable, rule: Rule, scope: Mapping):
    if rule.constant is not None:
        value = rule.constant[0]
        return dict(value) if type(value) is dict else value
    if len(table.outputs) == 1:
        return rule.outputs[0].fn(scope, None)
    return {clause.name: entry.fn(scope, None) for clause, entry in zip(table.outputs, rule.outputs)}


def default_output(table: DecisionTable, scope: Mapping):
    if not any(o.default for o in table.outputs):
        return None
    if len(table.outputs) == 1:
        return table.outputs[0].default.fn(scope, None)
    return {o.name: o.default.fn(scope, None) if o.default else None for o in table.outputs}


def _priority_key(table: DecisionTable, output) -> tuple:
    """Lower sorts first: each output's position in its value list (values not listed come last)."""
    key = []
    for clause in table.outputs:
        if not clause.priorities:
            continue
        value = output if len(table.outputs) == 1 else output.get(clause.name)
        rank = next((i for i, p in enumerate(clause.priorities) if values.equal(p, value)), len(clause.priorities))
        key.append(rank)
    return tuple(key)


def apply(table: DecisionTable, matched: list[Rule], scope: Mapping, decision_name: str):
    policy = table.hit_policy
    if policy in ("UNIQUE", "FIRST", "ANY", "PRIORITY"):
        if not matched:
            return default_output(table, scope)
        if policy == "UNIQUE" and len(matched) > 1:
            raise HitPolicyViolation(
                f"decision {decision_name!r}: hit policy UNIQUE violated, rules {_rows_en(matched)} all match",
                user_message=f"判定「{decision_name}」はヒットポリシー UNIQUE（当てはまるルールは 1 つだけ）ですが、"
                             f"{_rows_ja(matched)} が同時に当てはまりました。判定表のルールが重ならないように直してください。",
                rule_ids=tuple(r.id for r in matched))
        if policy in ("UNIQUE", "FIRST"):
            return rule_output(table, matched[0], scope)
        outputs = [rule_output(table, r, scope) for r in matched]
        if policy == "ANY":
            if any(not values.equal(outputs[0], o) for o in outputs[1:]):
                raise HitPolicyViolation(
                    f"decision {decision_name!r}: hit policy ANY violated, rules {_rows_en(matched)} match with "
                    f"different outputs",
                    user_message=f"判定「{decision_name}」はヒットポリシー ANY（当てはまるルールの出力はすべて同じ）ですが、"
                                 f"{_rows_ja(matched)} の出力が食い違っています。判定表を直してください。",
                    rule_ids=tuple(r.id for r in matched))
            return outputs[0]
        return min(outputs, key=lambda o: _priority_key(table, o))
    outputs = [rule_output(table, r, scope) for r in matched]
    if policy == "OUTPUT ORDER":
        return sorted(outputs, key=lambda o: _priority_key(table, o))
    if policy == "COLLECT" and table.aggregation:
        return aggregate(table.aggregation, outputs)
    return outputs


def aggregate(aggregation: str, outputs: list):
    if aggregation == "COUNT":
        return len(outputs)
    if not outputs:
        return None
    name = {"SUM": "sum", "MIN": "min", "MAX": "max"}[aggregation]
    return BUILTINS[name].fn(outputs)
