"""FEEL values in Python and the operators on them, with FEEL's null semantics.

null is None, booleans are bool, numbers are int or Decimal (never float: floats coming in are turned into
Decimal by their shortest repr, so 0.1 stays 0.1), strings are str, dates are date / datetime / time, days-time
durations are timedelta, lists are list and contexts are dict. Arithmetic runs in IEEE 754 decimal128, as FEEL
asks. An operation on values it is not defined for gives null, never an exception.
"""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

FEEL_DECIMAL = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=6144, Emin=-6143,
                       traps=[InvalidOperation, DivisionByZero, Overflow])
_DECIMAL_ERRORS = (InvalidOperation, DivisionByZero, Overflow, ValueError, TypeError)

NUMBER_TYPES = frozenset({int, Decimal})
_KINDS = {
    bool: "boolean", int: "number", Decimal: "number", str: "string", date: "date", datetime: "date and time",
    time: "time", timedelta: "duration", list: "list", tuple: "list", dict: "context", type(None): "null",
}
_ORDERED = frozenset({"number", "string", "date", "date and time", "time", "duration"})
_PLAIN = frozenset({str, int, bool, type(None), Decimal})


def kind(value) -> str:
    found = _KINDS.get(type(value))
    if found is not None:
        return found
    if isinstance(value, dict):
        return "context"
    return "function" if callable(value) else "other"


# coming in and going out ----------------------------------------------------------------------------------
def to_feel(value):
    """A Python value (task data, JSON, test inputs) as a FEEL value."""
    t = type(value)
    if t in _PLAIN:
        return value
    if t is float:
        return None if math.isnan(value) or math.isinf(value) else Decimal(repr(value))
    if t is list or t is tuple:
        return [to_feel(v) for v in value]
    if isinstance(value, dict):
        return {k: to_feel(v) for k, v in value.items()}
    return value


def normalized(value):
    """A value read from a scope (task data, a context entry) as FEEL sees it. Contexts are not copied: their
    entries are normalized when read, so reading `interview.age` does not convert the whole interview."""
    t = type(value)
    if t in _PLAIN or t is dict:
        return value
    return to_feel(value)


def to_plain(value):
    """A FEEL value as JSON-friendly Python: numbers as int (when whole) or float, dates and durations as ISO
    8601 strings. Task data stays JSON this way."""
    t = type(value)
    if t is Decimal:
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if t in _PLAIN:
        return value
    if t is list or t is tuple:
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if t in (date, datetime, time):
        return value.isoformat()
    if t is timedelta:
        return duration_string(value)
    return None if callable(value) else value


def duration_string(value: timedelta) -> str:
    seconds = value.days * 86400 + value.seconds
    sign = "-" if seconds < 0 or (seconds == 0 and value.microseconds < 0) else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out = f"{sign}P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    if clock:
        out += "T" + clock
    return out if out not in ("P", "-P") else "PT0S"


def number_string(value) -> str:
    if type(value) is int:
        return str(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(FEEL_DECIMAL), "f")


# equality and order ---------------------------------------------------------------------------------------
def equal(a, b) -> bool:
    """FEEL `=`: null equals only null; values of different kinds are not equal (true is not 1)."""
    if a is None or b is None:
        return a is None and b is None
    if type(a) is float or type(b) is float:
        a, b = to_feel(a), to_feel(b)
    ka, kb = kind(a), kind(b)
    if ka != kb:
        return False
    if ka == "list":
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    if ka == "context":
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    try:
        return a == b
    except TypeError:
        return False


def compare(a, b):
    """-1, 0 or 1 for values of the same ordered kind; None (FEEL null) otherwise."""
    ka = kind(a)
    if ka not in _ORDERED or kind(b) != ka:
        return None
    try:
        return -1 if a < b else (1 if a > b else 0)
    except TypeError:  # e.g. a naive and an aware date and time
        return None


def less(a, b):
    c = compare(a, b)
    return None if c is None else c < 0


def less_equal(a, b):
    c = compare(a, b)
    return None if c is None else c <= 0


def greater(a, b):
    c = compare(a, b)
    return None if c is None else c > 0


def greater_equal(a, b):
    c = compare(a, b)
    return None if c is None else c >= 0


def not_equal(a, b) -> bool:
    return not equal(a, b)


# three-valued logic ---------------------------------------------------------------------------------------
def negate(value):
    return (not value) if type(value) is bool else None


# arithmetic -----------------------------------------------------------------------------------------------
def _decimal(op, a, b):
    try:
        return op(a, b)
    except _DECIMAL_ERRORS:
        return None


def add(a, b):
    ta, tb = type(a), type(b)
    if ta in NUMBER_TYPES and tb in NUMBER_TYPES:
        return a + b if ta is int and tb is int else _decimal(FEEL_DECIMAL.add, a, b)
    if ta is str and tb is str:
        return a + b
    if tb is timedelta and ta in (date, datetime, timedelta):
        return _dated(lambda: a + b)
    if ta is timedelta and tb in (date, datetime):
        return _dated(lambda: b + a)
    return None


def subtract(a, b):
    ta, tb = type(a), type(b)
    if ta in NUMBER_TYPES and tb in NUMBER_TYPES:
        return a - b if ta is int and tb is int else _decimal(FEEL_DECIMAL.subtract, a, b)
    if tb is timedelta and ta in (date, datetime, timedelta):
        return _dated(lambda: a - b)
    if ta is tb and ta in (date, datetime):
        return _dated(lambda: a - b)
    return None


def multiply(a, b):
    ta, tb = type(a), type(b)
    if ta in NUMBER_TYPES and tb in NUMBER_TYPES:
        return a * b if ta is int and tb is int else _decimal(FEEL_DECIMAL.multiply, a, b)
    if ta is timedelta and tb in NUMBER_TYPES:
        return _dated(lambda: a * float(b))
    if tb is timedelta and ta in NUMBER_TYPES:
        return _dated(lambda: b * float(a))
    return None


def divide(a, b):
    ta, tb = type(a), type(b)
    if ta in NUMBER_TYPES and tb in NUMBER_TYPES:
        return None if b == 0 else _decimal(FEEL_DECIMAL.divide, a, b)
    if ta is timedelta and tb in NUMBER_TYPES and b != 0:
        return _dated(lambda: a / float(b))
    if ta is timedelta and tb is timedelta and b:
        return _decimal(FEEL_DECIMAL.divide, Decimal(a // timedelta(microseconds=1)),
                        Decimal(b // timedelta(microseconds=1)))
    return None


def power(a, b):
    """Decimal128 keeps `10 ** 10 ** 10` from eating memory: it overflows to null instead."""
    if type(a) in NUMBER_TYPES and type(b) in NUMBER_TYPES:
        return _decimal(FEEL_DECIMAL.power, Decimal(a), Decimal(b))
    return None


def minus(a):
    t = type(a)
    if t is int:
        return -a
    if t is Decimal:
        return FEEL_DECIMAL.minus(a)
    if t is timedelta:
        return -a
    return None


def _dated(compute):
    try:
        return compute()
    except (OverflowError, ValueError, TypeError):
        return None


# paths ----------------------------------------------------------------------------------------------------
_DATE_PROPERTIES = {
    "year": lambda v: v.year, "month": lambda v: v.month, "day": lambda v: v.day,
    "weekday": lambda v: v.isoweekday(),
}
_TIME_PROPERTIES = {"hour": lambda v: v.hour, "minute": lambda v: v.minute, "second": lambda v: v.second}
_DURATION_PROPERTIES = {
    "days": lambda v: v.days, "hours": lambda v: v.seconds // 3600, "minutes": lambda v: v.seconds // 60 % 60,
    "seconds": lambda v: v.seconds % 60,
}


def member(value, name: str):
    """`value.name`: a context entry, a date/time component, or the entry of every context in a list."""
    if isinstance(value, dict):
        return normalized(value.get(name))
    t = type(value)
    if t is list:
        return [member(v, name) for v in value]
    getter = None
    if t is date:
        getter = _DATE_PROPERTIES.get(name)
    elif t is datetime:
        getter = _DATE_PROPERTIES.get(name) or _TIME_PROPERTIES.get(name)
    elif t is time:
        getter = _TIME_PROPERTIES.get(name)
    elif t is timedelta:
        getter = _DURATION_PROPERTIES.get(name)
    return getter(value) if getter else None
