"""What a model script can see: a small set of builtins, date/time helpers, and the guards RestrictedPython calls."""
from __future__ import annotations

import builtins
import operator
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

JST = ZoneInfo("Asia/Tokyo")
MAX_SEQUENCE_LENGTH = 1_000_000
MAX_EXPONENT_BITS = 4096


class SandboxLimitExceeded(ArithmeticError):
    pass


def _check_length(n: int) -> None:
    if n > MAX_SEQUENCE_LENGTH:
        raise SandboxLimitExceeded(f"sequence of {n} items exceeds the sandbox limit of {MAX_SEQUENCE_LENGTH}")


def _guarded_range(*args):
    r = range(*args)
    _check_length(len(r))
    return r


def _guarded_pow(base, exponent, modulo=None):
    if isinstance(base, int) and isinstance(exponent, int) and modulo is None and abs(base) > 1:
        if exponent * abs(base).bit_length() > MAX_EXPONENT_BITS:
            raise SandboxLimitExceeded("power result too large for a model script")
    return pow(base, exponent) if modulo is None else pow(base, exponent, modulo)


def _guarded_mul(left, right):
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, bytes, list, tuple)) and isinstance(count, int):
            _check_length(len(seq) * max(count, 0))
    return left * right


_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": lambda a, b: _guarded_mul(a, b), "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": lambda a, b: _guarded_pow(a, b),
    "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor,
}


def _inplacevar(op: str, target, value):
    try:
        return _INPLACE[op](target, value)
    except KeyError:
        raise SyntaxError(f"operator {op} is not allowed in model scripts") from None


def now() -> datetime:
    """The current time in Asia/Tokyo."""
    return datetime.now(JST)


def today() -> date:
    return now().date()


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=JST)


_SAFE_BUILTIN_NAMES = [
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "frozenset", "int",
    "isinstance", "len", "list", "map", "max", "min", "reversed", "round", "set", "sorted", "str", "sum",
    "tuple", "zip", "ValueError", "TypeError", "KeyError", "IndexError", "ZeroDivisionError", "Exception",
    "True", "False", "None",
]

SAFE_BUILTINS = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
SAFE_BUILTINS.update({"range": _guarded_range, "pow": _guarded_pow})

HELPERS = {
    "date": date, "datetime": datetime, "time": time, "timedelta": timedelta, "timezone": timezone,
    "JST": JST, "now": now, "today": today, "parse_date": parse_date, "parse_datetime": parse_datetime,
}

GUARDS = {
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_pow_": _guarded_pow,
    "_mul_": _guarded_mul,
    "__metaclass__": type,
    "__name__": "okuyami_script",
}


def sandbox_globals() -> dict:
    """A fresh globals dict for one evaluation."""
    return {"__builtins__": SAFE_BUILTINS, **HELPERS, **GUARDS}


RESERVED_NAMES = frozenset(HELPERS) | frozenset(GUARDS) | {"__builtins__"}
