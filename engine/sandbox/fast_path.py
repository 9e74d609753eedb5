"""Expressions and scripts simple enough to run in the caller's process, without a worker round trip.

Most gateway conditions compare task data with constants: `channel == "web"`, `outcome == "handed_over"`,
`followup_requested or department_followup`, `len(precheck_assignments) == 0`; most script tasks record a
value: `closed_on = today().isoformat()`, `state = "submitted"`,
`department = handover_department if handover_department else routing["department"]`. An expression made only
of names, constants, comparisons, `and`/`or`/`not`, `a if c else b`, `len(name)`, `name[constant]`, `today()`,
`now()` and their `.isoformat()` has no loop, no call that allocates more than a date's text and no other
attribute access: its time and memory are bounded by the data already in memory, so the worker's bounds add
nothing but a pipe round trip and two pickles (most of an engine step's cost under load). A script qualifies
when each of its statements assigns such an expression to a plain data name. Anything else, any name the data
does not hold, any error and any result that is not a plain value still go to the bounded worker
(isolation.py), which gives the same answer or the same error as before.
"""
from __future__ import annotations

import ast
from collections import ChainMap
from functools import lru_cache
from types import CodeType

from .whitelist import RESERVED_NAMES, SAFE_BUILTINS, now

_NODES = (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.And,
          ast.Or, ast.Not, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
          ast.IsNot, ast.Call, ast.IfExp, ast.Subscript)
_PLAIN = (bool, int, float, str, type(None))
_CLOCK = frozenset({"today", "now"})
_FUNCTIONS = _CLOCK | {"len"}
_NOT_DATA = RESERVED_NAMES | frozenset(SAFE_BUILTINS)
"""Names a script binds that the worker would not hand back as data (helpers, guards, builtins)."""


def _no_arguments(call: ast.Call) -> bool:
    return not call.args and not call.keywords


def _clock_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CLOCK
            and _no_arguments(node))


def _simple(node: ast.AST, names: set[str]) -> bool:
    if not isinstance(node, _NODES):
        return False
    if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
        return False
    if isinstance(node, ast.Constant) and not isinstance(node.value, _PLAIN):
        return False
    if isinstance(node, ast.Call):
        if _clock_call(node):  # today(), now(): the moment of the evaluation
            names.add(node.func.id)
            return True
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "isoformat" and _no_arguments(node)
                and _clock_call(node.func.value)):  # today().isoformat(): a fixed-size text
            names.add(node.func.value.func.id)
            return True
        # len(name) only: O(1), allocates nothing
        if not (isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Name)):
            return False
        names.add("len")
        return _simple(node.args[0], names)
    if isinstance(node, ast.Subscript):
        # name["key"] or name[0]: one lookup in data
        if not (isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
                and type(node.slice.value) in (str, int)):
            return False
        names.add(node.value.id)
        return True
    if isinstance(node, ast.Name):
        names.add(node.id)
        return True
    return all(_simple(child, names) for child in ast.iter_child_nodes(node))


@lru_cache(maxsize=4096)
def simple_expression(source: str) -> tuple[CodeType, frozenset[str]] | None:
    """The plain code of `source` and the names it reads, when it is simple enough; else None."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None
    names: set[str] = set()
    if not _simple(tree, names):
        return None
    return compile(tree, "<okuyami-expression>", "eval"), frozenset(names)


@lru_cache(maxsize=4096)
def simple_script(source: str) -> tuple[tuple[str, CodeType, frozenset[str]], ...] | None:
    """Per statement, the data name it binds and its expression's code and names, when every statement of
    `source` assigns a simple expression to one plain data name; else None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    steps = []
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            return None
        target = statement.targets[0].id
        names: set[str] = set()
        if target.startswith("_") or target in _NOT_DATA or not _simple(statement.value, names):
            return None
        expression = ast.fix_missing_locations(ast.Expression(body=statement.value))
        steps.append((target, compile(expression, "<okuyami-script>", "eval"), frozenset(names)))
    return tuple(steps) or None


MISSING = object()


def _functions(moment) -> dict:
    """What a simple expression may call; the clock reads one moment per evaluation, as in the worker."""
    return {"__builtins__": {}, "len": len, "now": lambda: moment, "today": lambda: moment.date()}


def _value(code: CodeType, names: frozenset[str], data, functions: dict) -> object:
    for name in names:
        if name in _FUNCTIONS:
            if name in data:  # the data shadows the function: let the worker decide what that means
                return MISSING
        elif name not in data:
            return MISSING
    try:
        value = eval(code, functions, data)  # noqa: S307 (the simple grammar above only)
    except Exception:  # noqa: BLE001 - the worker reports errors the way callers expect
        return MISSING
    return value if isinstance(value, _PLAIN) else MISSING


def evaluate_simple(source: str, context: dict, external_context: dict | None):
    """The expression's value, or MISSING when it must go to the worker."""
    found = simple_expression(source)
    if found is None:
        return MISSING
    code, names = found
    return _value(code, names, ChainMap(context, external_context or {}), _functions(now()))


def execute_simple(source: str, context: dict, external_context: dict | None):
    """The task data after the script (as the worker would hand it back), or MISSING when it must go there."""
    found = simple_script(source)
    if found is None:
        return MISSING
    external = external_context or {}
    bound: dict = {}
    data = ChainMap(bound, context, external)
    functions = _functions(now())
    for target, code, names in found:
        if target in external:  # the worker would not hand it back as data
            return MISSING
        value = _value(code, names, data, functions)
        if value is MISSING:
            return MISSING
        bound[target] = value
    result = dict(context)
    result.update(bound)
    return result
