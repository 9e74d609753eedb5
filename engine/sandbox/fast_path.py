"""Expressions simple enough to evaluate in the caller's process, without a worker round trip.

Most gateway conditions compare task data with constants: `channel == "web"`, `outcome == "handed_over"`,
`followup_requested or department_followup`, `len(precheck_assignments) == 0`. An expression made only of names,
constants, comparisons, `and`/`or`/`not` and `len(name)` has no loop, no call that allocates and no attribute
access: its time and memory are bounded by the data already in memory, so the worker's bounds add nothing but
a pipe round trip and two pickles (most of an engine step's cost under load). Anything else, any name the data
does not hold, and any result that is not a plain value still go to the bounded worker (isolation.py), which
gives the same answer or the same error as before.
"""
from __future__ import annotations

import ast
from collections import ChainMap
from functools import lru_cache
from types import CodeType

_NODES = (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.And,
          ast.Or, ast.Not, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
          ast.IsNot, ast.Call)
_PLAIN = (bool, int, float, str, type(None))
_NO_BUILTINS = {"__builtins__": {}, "len": len}


def _simple(node: ast.AST, names: set[str]) -> bool:
    if not isinstance(node, _NODES):
        return False
    if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not):
        return False
    if isinstance(node, ast.Constant) and not isinstance(node.value, _PLAIN):
        return False
    if isinstance(node, ast.Call):
        # len(name) only: O(1), allocates nothing
        if not (isinstance(node.func, ast.Name) and node.func.id == "len" and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Name)):
            return False
        return _simple(node.args[0], names)
    if isinstance(node, ast.Name):
        names.add(node.id)
        return True
    return all(_simple(child, names) for child in ast.iter_child_nodes(node))


@lru_cache(maxsize=4096)
def simple_expression(source: str) -> tuple[CodeType, frozenset[str]] | None:
    """The plain code of `source` and the data names it reads, when it is simple enough; else None."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return None
    names: set[str] = set()
    if not _simple(tree, names):
        return None
    uses_len = any(isinstance(n, ast.Call) for n in ast.walk(tree))
    return compile(tree, "<okuyami-expression>", "eval"), frozenset(names | ({"len"} if uses_len else set()))


MISSING = object()


def evaluate_simple(source: str, context: dict, external_context: dict | None):
    """The expression's value, or MISSING when it must go to the worker."""
    found = simple_expression(source)
    if found is None:
        return MISSING
    code, names = found
    data = ChainMap(context, external_context or {})
    for name in names:
        if name == "len":
            if name in data:  # the data shadows len(): let the worker decide what that means
                return MISSING
        elif name not in data:
            return MISSING
    try:
        value = eval(code, _NO_BUILTINS, data)  # noqa: S307 (names, constants, comparisons and len() only)
    except Exception:  # noqa: BLE001 - the worker reports errors the way callers expect
        return MISSING
    return value if isinstance(value, _PLAIN) else MISSING
