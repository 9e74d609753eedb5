"""A decision's FEEL result as plain, JSON-friendly Python, in the two shapes callers use.

`as_record`: for DecisionService callers (the navi, the CLI): a dict {output name: value} for a single result,
a list of such dicts for a multiple-hit table (one per matched rule).

`as_task_data`: for a BPMN business rule task, one key per output, as SpiffWorkflow always wrote them: the value
for a single result, a list of values (one per matched rule) for a multiple-hit table.
"""
from __future__ import annotations

from .model import Decision
from .values import to_plain


def _context(decision: Decision, raw) -> dict:
    table = decision.table
    if table is None:
        return {decision.variable: to_plain(raw)}
    if len(table.outputs) == 1:
        return {table.outputs[0].name: to_plain(raw)}
    raw = raw if isinstance(raw, dict) else {}
    return {o.name: to_plain(raw.get(o.name)) for o in table.outputs}


def as_record(decision: Decision, raw) -> dict | list[dict]:
    table = decision.table
    if table is None or not table.collects:
        return _context(decision, raw)
    return [_context(decision, row) for row in raw or []]


def as_task_data(decision: Decision, raw) -> dict:
    table = decision.table
    if table is None or not table.collects:
        return _context(decision, raw)
    rows = raw or []
    if len(table.outputs) == 1:
        return {table.outputs[0].name: [to_plain(value) for value in rows]}
    return {o.name: [to_plain(row.get(o.name)) for row in rows] for o in table.outputs}
