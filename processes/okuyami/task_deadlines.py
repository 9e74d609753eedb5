"""Deadlines a process owner sets on a user task in the BPMN editor, for tasks the model gives no deadline timer:
`deadlineBusinessDays` (business days from the visit day: -1 is the business day before, 3 three after; due at
the corner's closing time of the deadline rule, 17:00) or `deadlineDecision` (a decision of the deployed DMN
files, evaluated on the case data, whose `business_days` output gives that number)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import AbstractSet, Mapping

from sqlalchemy.orm import Session

from engine.registry.live import live_decision
from processes.calendar import BusinessCalendar
from processes.calendar.slots import JST

BUSINESS_DAYS_PROPERTY = "deadlineBusinessDays"
DECISION_PROPERTY = "deadlineDecision"
DECISION_OUTPUT = "business_days"
VISIT_MINUTES_PROPERTY = "deadlineMinutesAfterVisit"
"""A task done at the visit itself (来庁対応): due this many minutes after the slot starts (its end), a walk-in by
the corner's closing time on the day it came; worklists sort such tasks by the visit's time."""
MAX_BUSINESS_DAYS = 60


def _days_from_decision(session: Session | None, decision_id: str, data: dict) -> int | None:
    if session is None:
        raise LookupError(f"deadline decision {decision_id!r} needs a database session to find its live version")
    outputs = live_decision(session, decision_id).evaluate(decision_id, data)
    if isinstance(outputs, list):
        outputs = outputs[0] if outputs else {}
    value = next((v for k, v in outputs.items() if k.split(".")[-1] == DECISION_OUTPUT), None)
    return None if value is None else int(value)


def task_deadline(properties: Mapping[str, str], data: dict, session: Session | None = None) -> datetime | None:
    """When the task is due, or None when the task names no deadline rule (or its case has no visit day yet:
    a walk-in counts from today). A decision is read from the live models in `session`."""
    if properties.get(VISIT_MINUTES_PROPERTY, "").strip():
        return _at_visit(int(properties[VISIT_MINUTES_PROPERTY].strip()), data)
    if properties.get(DECISION_PROPERTY):
        days = _days_from_decision(session, properties[DECISION_PROPERTY], data)
    elif properties.get(BUSINESS_DAYS_PROPERTY, "").strip():
        days = int(properties[BUSINESS_DAYS_PROPERTY].strip())
    else:
        return None
    if days is None:
        return None
    slot = data.get("slot_start")
    visit_day = datetime.fromisoformat(slot).astimezone(JST).date() if slot else datetime.now(JST).date()
    calendar = BusinessCalendar.default()
    ward = data.get("ward")
    return calendar.deadline_on(calendar.add_business_days(visit_day, days, ward))


def _at_visit(minutes: int, data: dict) -> datetime:
    slot = data.get("slot_start")
    if slot:
        return datetime.fromisoformat(slot).astimezone(JST) + timedelta(minutes=minutes)
    today = datetime.now(JST).date()
    closing = BusinessCalendar.default().corner_hours(data.get("ward"))[1]
    return datetime.combine(today, closing, tzinfo=JST)


def deadline_rule_problem(properties: Mapping[str, str], decisions: AbstractSet[str] = frozenset()) -> str | None:
    """Why a user task's deadline rule cannot work (checked when the model is validated and deployed, against the
    `decisions` of the model set being deployed: the live DMN files with the new ones laid over them), or None."""
    minutes = properties.get(VISIT_MINUTES_PROPERTY, "").strip()
    if minutes and not (minutes.isdigit() and 0 < int(minutes) <= 24 * 60):
        return f"来庁時刻からの期限（分）「{minutes}」は 1 から {24 * 60} までの整数で書いてください。"
    days = properties.get(BUSINESS_DAYS_PROPERTY, "").strip()
    if days:
        try:
            value = int(days)
        except ValueError:
            return f"期限の営業日数「{days}」は -1 や 3 のような整数で書いてください。"
        if not -MAX_BUSINESS_DAYS <= value <= MAX_BUSINESS_DAYS:
            return f"期限の営業日数は -{MAX_BUSINESS_DAYS} から {MAX_BUSINESS_DAYS} の範囲で指定してください。"
    decision = properties.get(DECISION_PROPERTY, "").strip()
    if decision and decision not in decisions:
        return f"期限を決める DMN の決定「{decision}」は、登録済みの DMN にも今回登録する DMN にもありません。"
    return None
