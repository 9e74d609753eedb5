"""Deadlines a process owner sets on a user task in the BPMN editor, for tasks the model gives no deadline timer:
`deadlineBusinessDays` (business days from the visit day: -1 is the business day before, 3 three after; due at
the corner's closing time of the deadline rule, 17:00) or `deadlineDecision` (a decision of the repository's
DMN files, evaluated on the case data, whose `business_days` output gives that number)."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Mapping

from engine.dmn.service import DecisionService
from engine.settings import PROJECT_ROOT
from processes.calendar import BusinessCalendar
from processes.calendar.slots import JST

BUSINESS_DAYS_PROPERTY = "deadlineBusinessDays"
DECISION_PROPERTY = "deadlineDecision"
DECISION_OUTPUT = "business_days"
DMN_DIR = PROJECT_ROOT / "dmn"
MAX_BUSINESS_DAYS = 60


@lru_cache(maxsize=1)
def _decisions() -> dict[str, DecisionService]:
    found = {}
    for path in sorted(DMN_DIR.glob("*.dmn")):
        service = DecisionService.from_file(path)
        for info in service.decisions:
            found[info.id] = service
    return found


def _days_from_decision(decision_id: str, data: dict) -> int | None:
    service = _decisions().get(decision_id)
    if service is None:
        raise LookupError(f"deadline decision {decision_id!r} is not in {DMN_DIR}")
    outputs = service.evaluate(decision_id, data)
    if isinstance(outputs, list):
        outputs = outputs[0] if outputs else {}
    value = next((v for k, v in outputs.items() if k.split(".")[-1] == DECISION_OUTPUT), None)
    return None if value is None else int(value)


def task_deadline(properties: Mapping[str, str], data: dict) -> datetime | None:
    """When the task is due, or None when the task names no deadline rule (or its case has no visit day yet:
    a walk-in counts from today)."""
    if properties.get(DECISION_PROPERTY):
        days = _days_from_decision(properties[DECISION_PROPERTY], data)
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


def deadline_rule_problem(properties: Mapping[str, str]) -> str | None:
    """Why a user task's deadline rule cannot work (checked when the model is validated and deployed), or None."""
    days = properties.get(BUSINESS_DAYS_PROPERTY, "").strip()
    if days:
        try:
            value = int(days)
        except ValueError:
            return f"期限の営業日数「{days}」は -1 や 3 のような整数で書いてください。"
        if not -MAX_BUSINESS_DAYS <= value <= MAX_BUSINESS_DAYS:
            return f"期限の営業日数は -{MAX_BUSINESS_DAYS} から {MAX_BUSINESS_DAYS} の範囲で指定してください。"
    decision = properties.get(DECISION_PROPERTY, "").strip()
    if decision and decision not in _decisions():
        return f"期限を決める DMN の決定「{decision}」が dmn/ にありません。"
    return None
