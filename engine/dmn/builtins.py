"""The FEEL built-in functions a model may call: a whitelist. Each returns null (None) on arguments it is not
defined for, as FEEL does; none of them loops over anything larger than its arguments."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Callable
from zoneinfo import ZoneInfo

from .values import FEEL_DECIMAL, NUMBER_TYPES, add, compare, duration_string, equal, kind, negate, number_string

JST = ZoneInfo("Asia/Tokyo")
_DATE = re.compile(r"-?\d{4,9}-\d{2}-\d{2}")
_DURATION = re.compile(r"(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


@dataclass(frozen=True)
class Builtin:
    fn: Callable
    min_args: int
    max_args: int | None
    pure: bool = True
    """pure: with constant arguments it can be computed once, when the model is compiled"""
    converts: bool = False
    """a conversion (date("..."), number("...")): null from non-null constant arguments is a modelling error"""


def _date(*args):
    if len(args) == 1:
        v = args[0]
        if type(v) is str and _DATE.fullmatch(v):
            try:
                return date.fromisoformat(v)
            except ValueError:
                return None
        if type(v) is datetime:
            return v.date()
        return v if type(v) is date else None
    if len(args) == 3 and all(type(a) in NUMBER_TYPES for a in args):
        try:
            return date(int(args[0]), int(args[1]), int(args[2]))
        except ValueError:
            return None
    return None


def _date_and_time(*args):
    if len(args) == 2:
        d, t = args
        if type(d) in (date, datetime) and type(t) is time:
            return datetime.combine(d if type(d) is date else d.date(), t)
        return None
    v = args[0]
    if type(v) is str and "T" in v:
        try:
            return datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            return None
    if type(v) is str and _DATE.fullmatch(v):
        d = _date(v)
        return datetime.combine(d, time()) if d else None
    return v if type(v) is datetime else None


def _time(*args):
    if len(args) == 1:
        v = args[0]
        if type(v) is str:
            try:
                return time.fromisoformat(v.replace("Z", "+00:00"))
            except ValueError:
                return None
        if type(v) is datetime:
            return v.timetz()
        return v if type(v) is time else None
    if len(args) == 3 and all(type(a) in NUMBER_TYPES for a in args):
        try:
            return time(int(args[0]), int(args[1]), int(args[2]))
        except ValueError:
            return None
    return None


def _duration(v):
    """Days and time durations (P1DT2H); years and months durations are not supported (null)."""
    if type(v) is not str:
        return v if type(v) is timedelta else None
    m = _DURATION.fullmatch(v)
    if not m or v.rstrip("T").endswith("P") or v.endswith("T"):
        return None
    sign, days, hours, minutes, seconds = m.groups()
    delta = timedelta(days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                      seconds=float(seconds or 0))
    return -delta if sign else delta


def _string(v):
    t = type(v)
    if v is None:
        return None
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if t in NUMBER_TYPES:
        return number_string(v)
    if t in (date, datetime, time):
        return v.isoformat()
    if t is timedelta:
        return duration_string(v)
    return None


def _number(v):
    if type(v) in NUMBER_TYPES:
        return v
    if type(v) is str and re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", v.strip()):
        return Decimal(v.strip())
    return None


def _strings(fn):
    def call(*args):
        return fn(*args) if all(type(a) is str for a in args) else None
    return call


def _substring(s, start, length=None):
    if type(s) is not str or type(start) not in NUMBER_TYPES or (length is not None and type(length) not in NUMBER_TYPES):
        return None
    begin = int(start)
    if begin == 0:
        return None
    begin = begin - 1 if begin > 0 else len(s) + begin
    begin = max(begin, 0)
    return s[begin:] if length is None else s[begin:begin + max(int(length), 0)]


def _items(args) -> list | None:
    """FEEL list functions take a list or the items as separate arguments."""
    if len(args) == 1 and type(args[0]) is list:
        return args[0]
    return list(args)


def _sum(*args):
    items = _items(args)
    if not items or any(type(v) not in NUMBER_TYPES for v in items):
        return None
    total = 0
    for v in items:
        total = add(total, v)
    return total


def _extreme(sign: int):
    def pick(*args):
        items = _items(args)
        if not items:
            return None
        best = items[0]
        for v in items[1:]:
            c = compare(v, best)
            if c is None:
                return None
            if c == sign:
                best = v
        return best if kind(best) != "other" else None
    return pick


def _mean(*args):
    total = _sum(*args)
    return None if total is None else FEEL_DECIMAL.divide(total, len(_items(args)))


def _count(items):
    return len(items) if type(items) is list else None


def _all(*args):
    items = _items(args)
    if any(v is False for v in items):
        return False
    return True if all(v is True for v in items) else None


def _any(*args):
    items = _items(args)
    if any(v is True for v in items):
        return True
    return False if all(v is False for v in items) else None


def _list_contains(items, value):
    return any(equal(v, value) for v in items) if type(items) is list else None


def _index_of(items, value):
    return [i + 1 for i, v in enumerate(items) if equal(v, value)] if type(items) is list else None


def _distinct(items):
    if type(items) is not list:
        return None
    out: list = []
    for v in items:
        if not any(equal(v, seen) for seen in out):
            out.append(v)
    return out


def _flatten(items):
    if type(items) is not list:
        return None
    out: list = []
    for v in items:
        out.extend(_flatten(v) if type(v) is list else [v])
    return out


def _concatenate(*lists):
    return [v for items in lists for v in items] if all(type(x) is list for x in lists) else None


def _append(items, *values):
    return [*items, *values] if type(items) is list else None


def _rounding(mode):
    def apply(n, scale=0):
        if type(n) not in NUMBER_TYPES or type(scale) not in NUMBER_TYPES:
            return None
        try:
            return Decimal(n).quantize(Decimal(1).scaleb(-int(scale)), rounding=mode, context=FEEL_DECIMAL)
        except InvalidOperation:
            return None
    return apply


def _numeric(fn):
    def call(*args):
        return fn(*args) if all(type(a) in NUMBER_TYPES for a in args) else None
    return call


def _modulo(a, b):
    if type(a) not in NUMBER_TYPES or type(b) not in NUMBER_TYPES or b == 0:
        return None
    return FEEL_DECIMAL.subtract(a, FEEL_DECIMAL.multiply(b, (Decimal(a) / Decimal(b)).to_integral_value(ROUND_FLOOR)))


BUILTINS: dict[str, Builtin] = {
    "not": Builtin(negate, 1, 1),
    "date": Builtin(_date, 1, 3, converts=True),
    "date and time": Builtin(_date_and_time, 1, 2, converts=True),
    "time": Builtin(_time, 1, 3, converts=True),
    "duration": Builtin(_duration, 1, 1, converts=True),
    "string": Builtin(_string, 1, 1),
    "number": Builtin(_number, 1, 1, converts=True),
    "string length": Builtin(_strings(len), 1, 1),
    "upper case": Builtin(_strings(str.upper), 1, 1),
    "lower case": Builtin(_strings(str.lower), 1, 1),
    "substring": Builtin(_substring, 2, 3),
    "contains": Builtin(_strings(lambda s, m: m in s), 2, 2),
    "starts with": Builtin(_strings(str.startswith), 2, 2),
    "ends with": Builtin(_strings(str.endswith), 2, 2),
    "substring before": Builtin(_strings(lambda s, m: s.partition(m)[0] if m in s else ""), 2, 2),
    "substring after": Builtin(_strings(lambda s, m: s.partition(m)[2] if m in s else ""), 2, 2),
    "list contains": Builtin(_list_contains, 2, 2),
    "count": Builtin(_count, 1, 1),
    "min": Builtin(_extreme(-1), 1, None),
    "max": Builtin(_extreme(1), 1, None),
    "sum": Builtin(_sum, 1, None),
    "mean": Builtin(_mean, 1, None),
    "all": Builtin(_all, 1, None),
    "any": Builtin(_any, 1, None),
    "append": Builtin(_append, 1, None),
    "concatenate": Builtin(_concatenate, 1, None),
    "distinct values": Builtin(_distinct, 1, 1),
    "flatten": Builtin(_flatten, 1, 1),
    "reverse": Builtin(lambda items: items[::-1] if type(items) is list else None, 1, 1),
    "index of": Builtin(_index_of, 2, 2),
    "abs": Builtin(_numeric(lambda n: abs(n)), 1, 1),
    "floor": Builtin(_rounding(ROUND_FLOOR), 1, 2),
    "ceiling": Builtin(_rounding(ROUND_CEILING), 1, 2),
    "decimal": Builtin(_rounding(ROUND_HALF_EVEN), 2, 2),
    "modulo": Builtin(_modulo, 2, 2),
    "odd": Builtin(_numeric(lambda n: int(n) % 2 == 1 if n == int(n) else None), 1, 1),
    "even": Builtin(_numeric(lambda n: int(n) % 2 == 0 if n == int(n) else None), 1, 1),
    "today": Builtin(lambda: datetime.now(JST).date(), 0, 0, pure=False),
    "now": Builtin(lambda: datetime.now(JST), 0, 0, pure=False),
}
