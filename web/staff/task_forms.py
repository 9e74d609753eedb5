"""The generic task form page: a user task's JSON Schema form rendered on the server with its UI hints, what the
case already knows shown (not asked again), drafts saved per task and person, completion validated on the server
with Japanese messages beside each field, in one transaction."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from engine.errors import TaskConflict
from engine.runtime import audit
from processes.departments import DEPARTMENTS
from processes.tasks.access import check_task, not_found, require_id, shows_personal_data, visible_task_data
from processes.tasks.completion import STALE_MESSAGE, complete
from processes.tasks.drafts import draft_values, load_draft, save_draft
from processes.tasks.form_values import form_path, initial_values, read_posted, submission
from processes.tasks.forms import FormBuilder, build_form, load_ui_hints
from processes.tasks.queries import is_overdue, task_by_id
from processes.tasks.validation import ValidationFailed, load_form
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("task_forms", __name__, template_folder="templates")
WORKERS = ("operator", "supervisor", "dept_staff", "counter")


@bp.context_processor
def _endpoints():
    """Links to other features' screens (the case screen) only when those are installed."""
    return {"has_endpoint": lambda name: name in current_app.view_functions}


DRAFT_SAVED = "下書きを保存しました。フォームを開き直すと続きから入力できます。"


def vocabularies() -> dict[str, dict[str, str]]:
    return {"wards": {code: ward.name for code, ward in load_wards().items()}, "departments": DEPARTMENTS,
            "channels": {"booking": "電話予約", "walk_in": "窓口（予約なし）"}}


def _task(session, task_id: int):
    row = task_by_id(session, require_id(task_id, "task"))
    if row is None:
        raise not_found("task")
    check_task(page_actor(), row)
    return row


def _known(session, row) -> dict:
    """What the case already holds, as far as this person may see it (plus the task's ward as a default).
    Reading a case's personal data is audit-logged."""
    who = page_actor()
    data = platform().runtime.task_data(row.id, session=session) if row.state == "READY" else {}
    visible = visible_task_data(row, data)
    if shows_personal_data(visible):
        audit.record(session, who.username, "case.viewed", instance_id=row.instance_id, task_id=row.task_id,
                     detail={"personal_data": True, "via": "task_form"})
    return {"ward": row.ward, **visible} if row.ward else dict(visible)


def _builder(row, known: dict, values: dict | None = None) -> FormBuilder:
    forms_dir = platform().settings.forms_dir
    return FormBuilder(load_form(forms_dir, row.form), load_ui_hints(forms_dir, row.form), known, values or {}, {},
                       vocabularies())


def _page(row, known: dict, values: dict, errors: dict[str, str], status: int = 200, *, draft=None,
          conflict: str = ""):
    model = build_form(platform().settings.forms_dir, row.form, known, values, errors, vocabularies())
    who = page_actor()
    return render_template("task_form/form.html", task=row, form=model, draft=draft, conflict=conflict,
                           overdue=is_overdue(row), wards=load_wards(), departments=DEPARTMENTS,
                           claimed_by_other=row.assignee not in (None, who.username)), status


@bp.get("/tasks/<int:task_id>/form")
@roles_required(*WORKERS)
def show(task_id: int):
    p = platform()
    who = page_actor()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        if row.state != "READY" or not row.form:
            # Only read: the drafts of a task closed some other way go in the worker's pass (drafts/jobs.py).
            return render_template("task_form/closed.html", task=row, wards=load_wards(), departments=DEPARTMENTS)
        known = _known(session, row)
        draft = load_draft(session, row.id, who.username)
        values = draft_values(draft) if draft else initial_values(_builder(row, known))
        return _page(row, known, values, {}, draft=draft)


@bp.post("/tasks/<int:task_id>/form")
@roles_required(*WORKERS)
def submit(task_id: int):
    p = platform()
    who = page_actor()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        if row.state != "READY" or not row.form:
            return _closed(row)
        known = _known(session, row)
        values = read_posted(_builder(row, known), request.form)
        if request.form.get("action") == "draft":
            save_draft(session, row.id, who.username, values)
            flash(DRAFT_SAVED, "info")
            return redirect(url_for("task_forms.show", task_id=row.id))
        data, moved = submission(values)
        try:
            # Validation and conflicts are raised before anything is written, so only the read audit stays.
            complete(session, p.runtime, p.settings.forms_dir, who, row, data)
        except ValidationFailed as exc:
            errors = {form_path(e.field, moved): e.message for e in exc.errors}
            return _page(row, known, values, errors, 409 if exc.status == 409 else 422)
        except TaskConflict as exc:
            return _page(row, known, values, {}, 409, conflict=exc.user_message)
    flash(f"「{row.title}」（案件 {row.instance_id}）を完了しました。", "info")
    return redirect(url_for("tasks.worklist"))


def _closed(row):
    return render_template("task_form/closed.html", task=row, wards=load_wards(), departments=DEPARTMENTS,
                           message=STALE_MESSAGE), 409
