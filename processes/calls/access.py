"""Who reads the phone figures (the same rules for pages, API and CLI), and the period a request names.

Supervisors, admins and auditors read every figure; an operator reads their own calls' figures only.
"""
from __future__ import annotations

from datetime import date, timedelta

from processes.calls.statistics import Period
from processes.tasks.access import Actor, require
from processes.tasks.validation import FieldError, ValidationFailed

ALL_FIGURES = frozenset({"supervisor", "admin", "auditor"})
STATS_READERS = ALL_FIGURES | {"operator"}
DASHBOARD_USERS = frozenset({"supervisor", "admin", "auditor"})
STAFFING_READERS = frozenset({"supervisor", "admin", "auditor"})
LONGEST_PERIOD = timedelta(days=366)
DATE_HINT = "YYYY-MM-DD の形の日付で指定してください（例: 2026-12-01）。"


def agent_scope(actor: Actor) -> str | None:
    """The operator whose calls the actor may see; None for all of them."""
    require(actor.role in STATS_READERS)
    return None if actor.role in ALL_FIGURES else actor.username


def read_day(args, name: str, errors: list[FieldError]) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        errors.append(FieldError(name, f"{name} は必須です。{DATE_HINT}"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(FieldError(name, f"{name} が日付として読めません。{DATE_HINT}"))
        return None


def read_period(args) -> Period:
    errors: list[FieldError] = []
    first, last = read_day(args, "from", errors), read_day(args, "to", errors)
    if first and last and last < first:
        errors.append(FieldError("to", "to は from と同じ日かそれより後の日にしてください。"))
    elif first and last and last - first > LONGEST_PERIOD:
        errors.append(FieldError("to", "期間は1年（366日）以内で指定してください。"))
    if errors:
        raise ValidationFailed(errors, status=422, user_message="期間の指定に誤りがあります。")
    return Period(first, last)
