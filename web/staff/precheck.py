"""The department's pre-check screen (事前確認): whom the case is about (each view audited as a personal-data
read), one row per procedure with 必要／不要 and the reason for 不要, the department's other catalogue procedures
to add by name, every problem listed at once naming its procedure; once completed, what was decided."""
from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import TaskConflict
from engine.runtime import audit
from processes.departments import DEPARTMENTS
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.precheck import (
    ADD,
    DROP,
    addable_procedures,
    assigned_rows,
    decided,
    decisions_from_form,
)
from processes.tasks.access import check_task, not_found, precheck_subject, require_id
from processes.tasks.completion import complete
from processes.tasks.queries import is_overdue, task_by_id
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("precheck", __name__, url_prefix="/prechecks", template_folder="templates")
CHECKERS = ("dept_staff", "supervisor")
PRECHECK_TASK = "precheck"
_DECISION_FIELD = re.compile(r"^precheck_result\.decisions\.(\d+)(?:\.|$)")


def _task(session, task_id: int):
    row = task_by_id(session, require_id(task_id, "task"))
    if row is None or row.spec_name != PRECHECK_TASK:
        raise not_found("task")
    check_task(page_actor(), row)
    return row


def _subject(session, row) -> dict:
    """Whom the pre-check is about; reading it is audit-logged as a personal-data read."""
    data = platform().runtime.task_data(row.id, session=session)
    subject = precheck_subject(data)
    if subject:
        audit.record(session, page_actor().username, "case.viewed", instance_id=row.instance_id, task_id=row.task_id,
                     detail={"personal_data": True, "via": "precheck"})
    return data.get("assignment") or {}, subject


def _problems(errors, result: dict, names: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Every message at once, each naming its procedure, and the message beside each procedure's row."""
    messages, by_row = [], {}
    decisions = result.get("decisions") or []
    for error in errors:
        match = _DECISION_FIELD.match(error.field)
        procedure_id = decisions[int(match.group(1))]["id"] if match and int(match.group(1)) < len(decisions) else None
        message = error.message
        if procedure_id and procedure_id not in message:
            message = f"{procedure_id}（{names.get(procedure_id, '')}）：{message}"
        for known in names:
            if procedure_id is None and message.startswith(f"{known}（"):
                procedure_id = known
        messages.append(message)
        if procedure_id:
            by_row.setdefault(procedure_id, message)
    return messages, by_row


def _page(row, assignment: dict, subject: dict, values: dict, problems=(), row_errors=None, status: int = 200,
          conflict: str = ""):
    decisions = {d["id"]: d for d in values.get("decisions") or []}
    return render_template(
        "precheck/form.html", task=row, subject=subject, rows=assigned_rows(assignment),
        addable=addable_procedures(assignment), decisions=decisions, values=values, problems=list(problems),
        row_errors=row_errors or {}, conflict=conflict, overdue=is_overdue(row), wards=load_wards(),
        departments=DEPARTMENTS, held_by_other=row.assignee not in (None, page_actor().username)), status


def _initial(assignment: dict) -> dict:
    """A procedure the interview selected for certain starts as 必要; a 要確認 one waits for a choice."""
    return {"decisions": [{"id": r.id, "action": "confirm"} for r in assigned_rows(assignment)
                          if not r.needs_confirmation]}


@bp.get("/<int:task_id>")
@roles_required(*CHECKERS)
def show(task_id: int):
    p = platform()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        if row.state != "READY":
            result = decided(p.runtime.task_data(row.id, session=session),
                             p.runtime.instance_data(row.instance_id, session=session), row.department)
            names = {proc.id: proc.name for proc in load_catalogue()}
            return render_template("precheck/done.html", task=row, result=result, names=names, wards=load_wards(),
                                   departments=DEPARTMENTS, drop=DROP, add=ADD)
        assignment, subject = _subject(session, row)
        return _page(row, assignment, subject, _initial(assignment))


@bp.post("/<int:task_id>")
@roles_required(*CHECKERS)
def submit(task_id: int):
    p = platform()
    who = page_actor()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        if row.state != "READY":
            return redirect(url_for("precheck.show", task_id=row.id))
        assignment, subject = _subject(session, row)
        result = decisions_from_form(assignment, request.form, request.form.getlist)
        try:
            complete(session, p.runtime, p.settings.forms_dir, who, row, {"precheck_result": result})
        except ValidationFailed as exc:
            names = {proc.id: proc.name for proc in load_catalogue()}
            problems, row_errors = _problems(exc.errors, result, names)
            return _page(row, assignment, subject, result, problems, row_errors, 422)
        except TaskConflict as exc:
            return _page(row, assignment, subject, result, status=409, conflict=exc.user_message)
    flash(f"「{row.title}」（案件 {row.instance_id}）を完了しました。", "info")
    return redirect(url_for("tasks.worklist"))
