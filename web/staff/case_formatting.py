"""Template filters the booking, case and visit pages share: ISO strings from the case data as dates and times
in Asia/Tokyo, weekdays, durations. Registered app-wide by each of those blueprints."""
from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint

from processes.calendar import JST

WEEKDAYS = "月火水木金土日"


def fromiso(value) -> datetime | None:
    if isinstance(value, datetime):
        return value.astimezone(JST)
    try:
        return datetime.fromisoformat(value).astimezone(JST) if isinstance(value, str) and value else None
    except ValueError:
        return None


def fromisodate(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def weekday(value) -> str:
    return WEEKDAYS[value.weekday()] if isinstance(value, (date, datetime)) else ""


def minutes(value) -> str:
    if value is None:
        return "—"
    hours, rest = divmod(int(value), 60)
    return f"{hours}時間{rest}分" if hours else f"{rest}分"


def register(bp: Blueprint) -> None:
    for name, function in (("fromiso", fromiso), ("fromisodate", fromisodate), ("weekday", weekday),
                           ("minutes", minutes)):
        bp.add_app_template_filter(function, name)
