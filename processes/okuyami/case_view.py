"""A case as the API shows it: summary, status, ward, procedures, open tasks; personal data only for roles
allowed to see it, and every such read written to the audit log."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.runtime import WorkflowRuntime, audit
from processes.calendar import today_jst
from processes.okuyami.cases import CASE_PROCESS
from processes.okuyami.guidance import GuidanceSheet, guidance_sheet
from processes.tasks.access import (
    Actor,
    check_case_read,
    not_found,
    require_id,
    sees_personal_data,
    without_personal_data,
)
from processes.tasks.queries import is_overdue

SUMMARY_KEYS = ("channel", "ward", "slot_start", "precheck_due", "reminder_on", "forms_due", "closed_on",
                "cancelled_on", "checked_in_at", "checked_out_at", "followup_requested", "followup_due",
                "overdue_recorded_at")


def task_json(task) -> dict:
    return {"id": task.id, "instance_id": task.instance_id, "name": task.spec_name, "title": task.title,
            "role": task.role, "ward": task.ward, "department": task.department, "state": task.state,
            "assignee": task.assignee, "form": task.form,
            "due_at": task.due_at.isoformat() if task.due_at else None, "overdue": is_overdue(task),
            "created_at": task.created_at.isoformat() if task.created_at else None}


def readable_case(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int):
    """The case's summary, data and tasks when `actor` may read the case; "not found" when it is no case or lies
    outside the actor's ward (its existence is not revealed)."""
    require_id(case_id)
    try:
        summary, data = runtime.instance_with_data(case_id, session=session)
    except NotFound:
        raise not_found() from None
    if summary.process_id != CASE_PROCESS:
        raise not_found()
    tasks = runtime.open_tasks(case_id, session=session)
    check_case_read(actor, _instance_ward(tasks, data.get("ward")))
    return summary, data, tasks


def read_case(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> dict:
    return case_view(session, actor, *readable_case(session, runtime, actor, case_id))


def case_view(session: Session, actor: Actor, summary, data: dict, tasks) -> dict:
    """read_case from what readable_case returned (a page that needs it for other parts too reads the case once)."""
    case_id = summary.id
    ward = data.get("ward")
    outcomes = {o.get("id"): o.get("outcome") for o in data.get("outcomes") or [] if isinstance(o, dict)}
    procedures = [{"id": p.get("id"), "name": p.get("name"), "department": p.get("department"),
                   "needs_confirmation": bool(p.get("needs_confirmation")), "reason": p.get("reason") or "",
                   "status": p.get("status") or "selected", "precheck_reason": p.get("precheck_reason") or "",
                   "outcome": outcomes.get(p.get("id"))} for p in data.get("procedures") or []]
    result = {"id": summary.id, "status": summary.status, "ward": ward, "version": summary.version,
              "summary": {k: data[k] for k in SUMMARY_KEYS if k in data}, "procedures": procedures,
              "tasks": [task_json(t) for t in tasks if actor.role != "dept_staff" or t.department == actor.department],
              "personal_data": None}
    if sees_personal_data(actor):
        result["personal_data"] = {k: v for k, v in data.items() if k not in without_personal_data(data)}
        audit.record(session, actor.username, "case.viewed", instance_id=case_id, detail={"personal_data": True})
    return result


def _instance_ward(tasks, data_ward):
    return next((t.ward for t in tasks if t.ward), data_ward)


def read_guidance(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> GuidanceSheet:
    """The family's guidance sheet; it names the family, so only personal-data readers get it (audited)."""
    case = read_case(session, runtime, actor, case_id)
    if case["personal_data"] is None:
        raise not_found()
    return guidance_sheet(case_id, runtime.instance_data(case_id, session=session), issued_on=today_jst())
