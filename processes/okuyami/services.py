"""The case process's service tasks (spiffworkflow:serviceTaskOperator). Each returns the variables it sets."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from processes.calendar import BusinessCalendar

from .catalogue import load_catalogue
from .interview import decision_inputs, validate_answers
from .selection import decision_rows, merge_rows

JST = ZoneInfo("Asia/Tokyo")
FOLLOWUP_BUSINESS_DAYS = 3
DROPPED = "dropped"


def interview_inputs(params: dict, data: dict) -> dict:
    answers = validate_answers(data.get("answers") or {})
    return {"answers": answers, "interview": decision_inputs(answers)}


def organize_selection(params: dict, data: dict) -> dict:
    rows = decision_rows({k: data.get(k) for k in ("procedure", "selection", "reason")})
    procedures = merge_rows(rows, load_catalogue())
    departments = sorted({p["department"] for p in procedures})
    # Each department's pre-check receives only its own procedures.
    assignments = [{"department": d, "procedures": [p for p in procedures if p["department"] == d]}
                   for d in departments]
    return {"procedures": procedures, "precheck_assignments": assignments, "department_followup": False}


def booking_deadlines(params: dict, data: dict) -> dict:
    """Pre-check due 17:00 one business day before the visit; the family's reminder 2 business days before.
    A moved booking (message `booking_moved`, payload in `booking_change`) brings its new slot and ward."""
    change = data.get("booking_change") or {}
    slot_start, ward = change.get("slot_start", data["slot_start"]), change.get("ward", data.get("ward"))
    visit_start = datetime.fromisoformat(slot_start).astimezone(JST)
    calendar = BusinessCalendar.default()
    return {"slot_start": slot_start, "ward": ward,
            "precheck_due": calendar.precheck_deadline(visit_start, ward).isoformat(),
            "reminder_on": calendar.reminder_date(visit_start.date(), ward).isoformat()}


def apply_precheck(params: dict, data: dict) -> dict:
    """Each department confirms, drops (with a reason) or adds procedures; 要確認 is resolved either way."""
    catalogue = load_catalogue()
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
    catalogue = load_catalogue()
    forms = []
    for entry in data.get("procedures", []):
        if entry.get("status") != DROPPED:
            forms += [f for f in catalogue.get(entry["id"]).forms if f not in forms]
    return {"forms_due": forms}


def followup_deadline(params: dict, data: dict) -> dict:
    checked_out = data.get("checked_out_at")
    visit_day = datetime.fromisoformat(checked_out).astimezone(JST).date() if checked_out else datetime.now(JST).date()
    due = BusinessCalendar.default().followup_deadline(visit_day, FOLLOWUP_BUSINESS_DAYS, data.get("ward"))
    return {"followup_due": due.isoformat()}


def record_overdue(params: dict, data: dict) -> dict:
    """A deadline passed while the task stays open: recorded on the case (notifications are the scheduler's)."""
    return {"overdue_recorded_at": datetime.now(JST).isoformat()}


SERVICES = {
    "okuyami.interview_inputs": interview_inputs,
    "okuyami.organize_selection": organize_selection,
    "okuyami.booking_deadlines": booking_deadlines,
    "okuyami.apply_precheck": apply_precheck,
    "okuyami.prepare_forms": prepare_forms,
    "okuyami.followup_deadline": followup_deadline,
    "okuyami.record_overdue": record_overdue,
}
