"""FEEL compiled to Python closures, once, when a model is loaded: no text is evaluated at evaluation time and no
Python source is generated. Constant parts are computed at compile time (`date("2026-01-01")`, `-5`), and the
unary tests a decision table uses most (`< 10`, `[1..5]`, `"a","b"`, `-`) get specialised closures.

An expression is called as `fn(scope, input)`: scope maps names to values (task data, decision results) and
input is the value `?` stands for. A unary test is called as `test(value, scope)` and answers True, False or
None (FEEL null: no match).
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Callable, Mapping

from . import values as v
from .builtins import BUILTINS
from .errors import FeelSyntaxError
from .syntax import parse_expression, parse_unary_tests

_PLAIN = frozenset({str, int, bool, type(None), v.Decimal})
_NUMBERS = v.NUMBER_TYPES
_ARITHMETIC = {"+": v.add, "-": v.subtract, "*": v.multiply, "/": v.divide, "**": v.power}
_COMPARE = {"=": v.equal, "!=": v.not_equal, "<": v.less, "<=": v.less_equal, ">": v.greater,
            ">=": v.greater_equal}
_FAST_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass
class FunctionSlot:
    """A business knowledge model callable by name; `impl` is filled in once every model element is compiled."""

    parameters: tuple[str, ...]
    impl: Callable | None = None


@dataclass(frozen=True)
class Expression:
    source: str
    fn: Callable = field(repr=False)
    constant: bool = False
    value: object = None
    uses_input: bool = False

    def __call__(self, scope: Mapping, input_value=None):
        return self.fn(scope, input_value)


@dataclass(frozen=True)
class _C:
    fn: Callable
    const: bool = False
    value: object = None
    uses_input: bool = False


def _const(value) -> _C:
    return _C(lambda s, q, _v=value: _v, True, value)


class _Compiler:
    def __init__(self, source: str, functions: Mapping[str, FunctionSlot] | None, calls: set | None = None):
        self.source = source
        self.functions = functions or {}
        self.calls = calls
        """if given, the names of the knowledge models this text calls are added to it"""

    def error(self, en: str, ja: str) -> FeelSyntaxError:
        return FeelSyntaxError(en, ja)

    def fold(self, fn: Callable, parts: list[_C], pure: bool = True) -> _C:
        uses_input = any(p.uses_input for p in parts)
        if pure and all(p.const for p in parts):
            return _const(fn({}, None))
        return _C(fn, uses_input=uses_input)

    def node(self, n) -> _C:
        kind = n[0]
        if kind == "const":
            return _const(n[1])
        if kind == "name":
            return _C(_lookup(n[1]))
        if kind == "input":
            return _C(lambda s, q: q, uses_input=True)
        if kind == "path":
            if n[1][0] == "name":
                return _C(_path_lookup(n[1][1], n[2]))
            base, name = self.node(n[1]), n[2]
            return self.fold(lambda s, q: v.member(base.fn(s, q), name), [base])
        if kind == "filter":
            return self.filter(n)
        if kind == "call":
            return self.call(n[1], [self.node(a) for a in n[2]])
        if kind == "neg":
            x = self.node(n[1])
            return self.fold(lambda s, q: v.minus(x.fn(s, q)), [x])
        if kind in ("arith", "cmp"):
            op = (_ARITHMETIC if kind == "arith" else _COMPARE)[n[1]]
            a, b = self.node(n[2]), self.node(n[3])
            return self.fold(lambda s, q: op(a.fn(s, q), b.fn(s, q)), [a, b])
        if kind == "between":
            x, low, high = (self.node(p) for p in n[1:])
            return self.fold(lambda s, q: _and(v.greater_equal(x.fn(s, q), low.fn(s, q)),
                                               v.less_equal(x.fn(s, q), high.fn(s, q))), [x, low, high])
        if kind == "in":
            x = self.node(n[1])
            test = self.any_of([self.test(t) for t in n[2]])
            return _C(lambda s, q: test(x.fn(s, q), s), uses_input=x.uses_input)
        if kind == "and":
            a, b = self.node(n[1]), self.node(n[2])
            return self.fold(lambda s, q: False if (x := a.fn(s, q)) is False else _and(x, b.fn(s, q)), [a, b])
        if kind == "or":
            a, b = self.node(n[1]), self.node(n[2])
            return self.fold(lambda s, q: True if (x := a.fn(s, q)) is True else _or(x, b.fn(s, q)), [a, b])
        if kind == "if":
            c, a, b = (self.node(p) for p in n[1:])
            return self.fold(lambda s, q: a.fn(s, q) if c.fn(s, q) is True else b.fn(s, q), [c, a, b])
        if kind == "list":
            items = [self.node(i) for i in n[1]]
            return self.fold(lambda s, q: [i.fn(s, q) for i in items], items)
        if kind == "context":
            entries = [(key, self.node(e)) for key, e in n[1]]
            return self.fold(lambda s, q: {key: e.fn(s, q) for key, e in entries}, [e for _, e in entries])
        raise self.error(f"unsupported syntax {kind}", "この書き方には対応していません")

    def filter(self, n) -> _C:
        base, condition = self.node(n[1]), self.node(n[2])
        if condition.const and type(condition.value) in _NUMBERS:
            index = int(condition.value)

            def pick(s, q):
                items = base.fn(s, q)
                items = items if type(items) is list else [items]
                position = index - 1 if index > 0 else len(items) + index
                return items[position] if index != 0 and 0 <= position < len(items) else None
            return self.fold(pick, [base])

        def keep(s, q):
            items = base.fn(s, q)
            if items is None:
                return None
            kept = []
            for item in items if type(items) is list else [items]:
                scope = {**s, "item": item, **(item if isinstance(item, dict) else {})}
                if condition.fn(scope, q) is True:
                    kept.append(item)
            return kept
        return _C(keep, uses_input=base.uses_input or condition.uses_input)

    def call(self, name: str, args: list[_C]) -> _C:
        slot = self.functions.get(name)
        if slot is not None:
            if self.calls is not None:
                self.calls.add(name)
            if len(args) != len(slot.parameters):
                raise self.error(f"{name} takes {len(slot.parameters)} arguments, got {len(args)}",
                                 f"「{name}」の引数は {len(slot.parameters)} 個です（{len(args)} 個指定されています）")
            return _C(lambda s, q: slot.impl(*[a.fn(s, q) for a in args]),
                      uses_input=any(a.uses_input for a in args))
        builtin = BUILTINS.get(name)
        if builtin is None:
            raise self.error(f"unknown function {name!r}", f"関数「{name}」は使えません")
        if len(args) < builtin.min_args or (builtin.max_args is not None and len(args) > builtin.max_args):
            raise self.error(f"wrong number of arguments for {name}", f"関数「{name}」の引数の数が正しくありません")
        fn = builtin.fn
        compiled = self.fold(lambda s, q: fn(*[a.fn(s, q) for a in args]), args, pure=builtin.pure)
        if (builtin.converts and compiled.const and compiled.value is None
                and all(a.const and a.value is not None for a in args)):
            shown = ", ".join(f'"{a.value}"' if type(a.value) is str else str(a.value) for a in args)
            raise self.error(f"{name}({shown}) is not a valid value", f"「{name}({shown})」は正しい値になりません")
        return compiled

    # unary tests ------------------------------------------------------------------------------------------
    def test(self, t) -> Callable:
        kind = t[0]
        if kind == "t_cmp":
            return self.comparison_test(t[1], self.node(t[2]))
        if kind == "t_interval":
            return self.interval_test(t[1], self.node(t[2]), self.node(t[3]), t[4])
        e = self.node(t[1])
        if e.uses_input:
            def boolean(value, s):
                r = e.fn(s, value)
                return r if type(r) is bool else None
            return boolean
        if e.const:
            return _equals_constant(e.value)
        return lambda value, s: _equal_or_member(value, e.fn(s, value))

    def comparison_test(self, op: str, e: _C) -> Callable:
        if op == "=":
            return _equals_constant(e.value) if e.const else (lambda value, s: v.equal(value, e.fn(s, value)))
        if op == "!=":
            positive = self.comparison_test("=", e)
            return lambda value, s: not positive(value, s)
        if e.const:
            c, fast = e.value, _FAST_ORDER[op]
            if type(c) in _NUMBERS:
                return lambda value, s: fast(value, c) if type(value) in _NUMBERS else None
            if type(c) in (str, v.date, v.time, v.timedelta):
                ct = type(c)
                return lambda value, s: fast(value, c) if type(value) is ct else None
        slow = _COMPARE[op]
        return lambda value, s: slow(value, e.fn(s, value))

    def interval_test(self, low_closed: bool, low: _C, high: _C, high_closed: bool) -> Callable:
        low_op = operator.le if low_closed else operator.lt
        high_op = operator.le if high_closed else operator.lt
        if low.const and high.const and type(low.value) in _NUMBERS and type(high.value) in _NUMBERS:
            lo, hi = low.value, high.value
            return lambda value, s: (low_op(lo, value) and high_op(value, hi)) if type(value) in _NUMBERS else None

        def test(value, s):
            a, b = v.compare(low.fn(s, value), value), v.compare(value, high.fn(s, value))
            if a is None or b is None:
                return None
            return (a < 0 or (low_closed and a == 0)) and (b < 0 or (high_closed and b == 0))
        return test

    def any_of(self, tests: list[Callable]) -> Callable:
        if len(tests) == 1:
            return tests[0]
        strings = [getattr(t, "string_constant", None) for t in tests]
        if all(type(s) is str for s in strings):
            accepted = frozenset(strings)
            return lambda value, s: type(value) is str and value in accepted

        def disjunction(value, s):
            result = False
            for t in tests:
                r = t(value, s)
                if r is True:
                    return True
                if r is None:
                    result = None
            return result
        return disjunction


def _lookup(key: str) -> Callable:
    def lookup(s, q):
        found = s.get(key)
        return found if type(found) in _PLAIN else v.normalized(found)
    return lookup


def _path_lookup(key: str, attribute: str) -> Callable:
    """`interview.age`, the most common input expression, in one step."""
    def lookup(s, q):
        base = s.get(key)
        if type(base) is dict:
            found = base.get(attribute)
            return found if type(found) in _PLAIN else v.normalized(found)
        return v.member(v.normalized(base), attribute)
    return lookup


def _and(a, b):
    if a is False or b is False:
        return False
    return True if a is True and b is True else None


def _or(a, b):
    if a is True or b is True:
        return True
    return False if a is False and b is False else None


def _equals_constant(c) -> Callable:
    t = type(c)
    if t is str:
        def test(value, s):
            return value == c
        test.string_constant = c
        return test
    if t in _NUMBERS:
        return lambda value, s: type(value) in _NUMBERS and value == c
    if t is bool or c is None:
        return lambda value, s: value is c
    if t is list:
        return lambda value, s: _equal_or_member(value, c)
    return lambda value, s: v.equal(value, c)


def _equal_or_member(value, expected) -> bool:
    """An expression as a unary test: equal to the input, or (a list) containing the input."""
    if type(expected) is list and type(value) is not list:
        return any(v.equal(value, item) for item in expected)
    return v.equal(value, expected)


# public ---------------------------------------------------------------------------------------------------
def compile_expression(source: str, known_names=(), functions: Mapping[str, FunctionSlot] | None = None,
                       calls: set | None = None) -> Expression:
    """Raises FeelSyntaxError (with a Japanese `user_message`) if the text is not FEEL this engine supports."""
    compiler = _Compiler(source, functions, calls)
    c = compiler.node(parse_expression(source, _names(known_names, functions)))
    return Expression(source, c.fn, c.const, c.value, c.uses_input)


def compile_unary_tests(source: str | None, known_names=(), functions: Mapping[str, FunctionSlot] | None = None,
                        calls: set | None = None) -> Callable | None:
    """The test of one input entry, or None for `-` (and an empty cell): any value matches."""
    if source is None or not source.strip() or source.strip() == "-":
        return None
    tree = parse_unary_tests(source, _names(known_names, functions))
    if tree[0] == "any":
        return None
    compiler = _Compiler(source, functions, calls)
    positive = compiler.any_of([compiler.test(t) for t in tree[1]])
    if tree[0] == "tests":
        return positive

    def negated(value, s):
        r = positive(value, s)
        return None if r is None else not r
    return negated


def _names(known_names, functions) -> tuple:
    return tuple(known_names) + tuple(functions or ())
