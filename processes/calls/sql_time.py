"""SQL for the phone figures' grouping keys, so that the database groups and sums (a month is ~10,000 calls):
a moment's hour and day in Asia/Tokyo (no daylight saving: UTC+9 all year), and the whole seconds between two
moments. PostgreSQL works on timestamptz; SQLite on UTCDateTime's UTC text ('YYYY-MM-DD HH:MM:SS.ffffff')."""
from __future__ import annotations

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class jst_hour(FunctionElement):
    """The hour (0–23) of a moment in Asia/Tokyo."""
    type = Integer()
    inherit_cache = True


class jst_day(FunctionElement):
    """The date of a moment in Asia/Tokyo (a date on PostgreSQL, 'YYYY-MM-DD' on SQLite)."""
    type = Date()
    inherit_cache = True


class whole_seconds(FunctionElement):
    """Whole seconds from the first moment to the later second one (the fraction dropped, like int())."""
    type = Integer()
    inherit_cache = True


@compiles(jst_hour, "postgresql")
def _hour_postgresql(element, compiler, **kw):
    return f"CAST(EXTRACT(HOUR FROM ({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Tokyo') AS INTEGER)"


@compiles(jst_hour, "sqlite")
def _hour_sqlite(element, compiler, **kw):
    return f"CAST(strftime('%H', {compiler.process(element.clauses, **kw)}, '+9 hours') AS INTEGER)"


@compiles(jst_day, "postgresql")
def _day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'Asia/Tokyo' AS DATE)"


@compiles(jst_day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+9 hours')"


@compiles(whole_seconds, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM ({end}) - ({start}))) AS BIGINT)"


@compiles(whole_seconds, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST((julianday({end}) - julianday({start})) * 86400000 + 0.5 AS INTEGER) / 1000)"
