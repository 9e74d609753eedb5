"""The case process's service tasks (spiffworkflow:serviceTaskOperator). Each returns the variables it sets."""
from __future__ import annotations

from datetime import date, datetime

from engine.errors import ConfigurationError
from engine.runtime.operation import operation_session
from processes.calendar import JST, BusinessCalendar
from processes.calendar.deadline_rules import at_time, deadline_rules, timer_time
from processes.notifications.effects import ESCALATED, OVERDUE, REMINDER, Effect, emit
from processes.notifications.reminders import reminder_channel, reminder_too_late
from processes.okuyami.catalogue import Catalogue
from processes.okuyami.catalogue_store import live_catalogue
from processes.okuyami.interview import decision_inputs, validate_answers
from processes.okuyami.selection import decision_rows, merge_rows

DROPPED = "dropped"


def _catalogue() -> Catalogue:
    """The live catalogue, read in the session of the runtime operation the service task runs in: the same one the
    navi and the booking screen read."""
    session = operation_session()
    if session is None:
        raise ConfigurationError("a case service task ran outside a runtime operation")
    return live_catalogue(session)


def interview_inputs(params: dict, data: dict) -> dict:
    answers = validate_answers(data.get("answers") or {})
    return {"answers": answers, "interview": decision_inputs(answers)}


def organize_selection(params: dict, data: dict) -> dict:
    rows = decision_rows({k: data.get(k) for k in ("procedure", "selection", "reason")})
    procedures = merge_rows(rows, _catalogue())
    departments = sorted({p["department"] for p in procedures})
    # Each department's pre-check receives only its own procedures.
    assignments = [{"department": d, "procedures": [p for p in procedures if p["department"] == d]}
                   for d in departments]
    return {"procedures": procedures, "precheck_assignments": assignments, "department_followup": False}


def booking_deadlines(params: dict, data: dict) -> dict:
    """Pre-check due 17:00 one business day before the visit, escalated to a supervisor the rules' business days
    later; the family's reminder 2 business days before. A moved booking (message `booking_moved`, payload in
    `booking_change`) brings its new slot and ward, and with them new deadlines (the old timers are cancelled)."""
    change = data.get("booking_change") or {}
    slot_start, ward = change.get("slot_start", data["slot_start"]), change.get("ward", data.get("ward"))
    visit_start = datetime.fromisoformat(slot_start).astimezone(JST)
    calendar = BusinessCalendar.default()
    rules = deadline_rules(data)
    precheck_due = calendar.precheck_deadline(visit_start, ward)
    escalation_day = calendar.add_business_days(precheck_due.date(), rules["precheck_escalation_business_days"], ward)
    reminder_on = calendar.reminder_date(visit_start.date(), ward)
    escalation = at_time(escalation_day, rules["precheck_escalation_time"])
    return {"slot_start": slot_start, "ward": ward, "precheck_due": timer_time(precheck_due).isoformat(),
            "precheck_escalation_due": timer_time(escalation).isoformat(), "reminder_on": reminder_on.isoformat(),
            "reminder_at": timer_time(at_time(reminder_on, rules["reminder_time"])).isoformat()}


def apply_precheck(params: dict, data: dict) -> dict:
    """Each department confirms, drops (with a reason) or adds procedures; 要確認 is resolved either way."""
    catalogue = _catalogue()
    procedures = {p["id"]: dict(p) for p in data.get("procedures", [])}
    results = [result or {} for result in data.get("precheck_results") or []]
    for result in results:
        for decision in result.get("decisions", []):
            entry = procedures.get(decision["id"])
            if decision["action"] == "add" and entry is None:
                procedure = catalogue.get(decision["id"])
                entry = procedures[decision["id"]] = {"id": procedure.id, "name": procedure.name,
                                                      "department": procedure.department, "reason": ""}
            if entry is None:
                continue
            entry["needs_confirmation"] = False
            entry["status"] = DROPPED if decision["action"] == "drop" else "confirmed"
            if decision.get("reason"):
                entry["precheck_reason"] = decision["reason"]
    ordered = [procedures[p.id] for p in catalogue.procedures.values() if p.id in procedures]
    return {"procedures": ordered, "department_followup": any(r.get("followup_requested") for r in results)}


def prepare_forms(params: dict, data: dict) -> dict:
    """Which municipal forms the visit needs (the forms themselves are rendered by the forms feature)."""
    catalogue = _catalogue()
    forms, answers = [], data.get("answers") or {}
    for entry in data.get("procedures", []):
        if entry.get("status") != DROPPED:
            forms += [f for f in catalogue.get(entry["id"]).forms_for(answers) if f not in forms]
    return {"forms_due": forms}


def followup_deadline(params: dict, data: dict) -> dict:
    """The follow-up call is due N business days after the visit (N from dmn/deadlines.dmn) at 17:00, and goes
    to a supervisor the rules' business days after that."""
    checked_out = data.get("checked_out_at")
    visit_day = datetime.fromisoformat(checked_out).astimezone(JST).date() if checked_out else datetime.now(JST).date()
    rules, ward = deadline_rules(data), data.get("ward")
    calendar = BusinessCalendar.default()
    due = calendar.followup_deadline(visit_day, rules["followup_business_days"], ward)
    escalation = calendar.followup_deadline(due.date(), rules["followup_escalation_business_days"], ward)
    return {"followup_due": timer_time(due).isoformat(), "followup_escalation_due": timer_time(escalation).isoformat()}


def record_overdue(params: dict, data: dict) -> dict:
    """A deadline passed while the task stays open: recorded on the case (cases on model versions before
    `okuyami.notify_overdue`)."""
    return {"overdue_recorded_at": datetime.now(JST).isoformat()}


def notify_overdue(params: dict, data: dict) -> dict:
    """A deadline of task `params["task"]` passed while it stays open. Stage "overdue": its assignee (or its
    group) and the supervisors are told; stage "escalated": the supervisors get a task to reassign or call."""
    task, stage = str(params.get("task") or ""), params.get("stage") or OVERDUE
    if stage not in (OVERDUE, ESCALATED):
        raise ValueError(f"notify_overdue: unknown stage {stage!r}")
    now = datetime.now(JST).isoformat()
    emit(Effect(stage, task))
    if stage == OVERDUE:
        return {"overdue_recorded_at": now}
    return {"escalation": {"task": task, "escalated_at": now}}


def booking_reminder(params: dict, data: dict) -> dict:
    """Remind the family of the visit the way they chose at booking: an e-mail (through the outbox), a phone call
    or a letter (the ward's corner is asked to make or post it). Recorded on the case. Nothing is sent when it
    can no longer reach them before the visit (reminders.reminder_too_late)."""
    channel, address = reminder_channel(data)
    now = datetime.now(JST)
    visit_start = datetime.fromisoformat(data["slot_start"]) if data.get("slot_start") else None
    reminder_on = date.fromisoformat(data["reminder_on"]) if data.get("reminder_on") else None
    if reminder_too_late(channel, reminder_on, visit_start, now):
        return {"reminder": {"channel": channel, "skipped": "too_late", "recorded_at": now.isoformat(),
                             "slot_start": data.get("slot_start")}}
    now = now.isoformat()
    emit(Effect(REMINDER, details={"channel": channel, "email": address, "slot_start": data.get("slot_start"),
                                   "ward": data.get("ward")}))
    return {"reminder": {"channel": channel, "recorded_at": now, "slot_start": data.get("slot_start")}}


SERVICES = {
    "okuyami.interview_inputs": interview_inputs,
    "okuyami.organize_selection": organize_selection,
    "okuyami.booking_deadlines": booking_deadlines,
    "okuyami.apply_precheck": apply_precheck,
    "okuyami.prepare_forms": prepare_forms,
    "okuyami.followup_deadline": followup_deadline,
    "okuyami.record_overdue": record_overdue,
    "okuyami.notify_overdue": notify_overdue,
    "okuyami.booking_reminder": booking_reminder,
}
