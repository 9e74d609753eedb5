"""Callbacks for the people who make them: a department's staff (and the centre's operators for their own
callbacks) see their open callback tasks, reveal the caller's name, phone and best time (each reveal audited),
and record the answer in the task's form. The details are deleted when the answer is recorded."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.db.types import utcnow
from processes.callcentre.access import CALLBACK_READERS
from processes.callcentre.inquiry import CALLBACK_FORM, callback_details
from processes.departments import DEPARTMENTS
from processes.tasks.access import check_task, not_found, require_id, task_scope
from processes.tasks.queries import is_overdue, task_by_id
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("callbacks", __name__, template_folder="templates")


@bp.get("/callcentre/callbacks")
@roles_required(*CALLBACK_READERS)
def index():
    who = page_actor()
    filters = {k: v for k, v in task_scope(who).filters().items() if v is not None}
    with platform().database.transaction(write=False) as session:
        tasks = [t for t in platform().runtime.list_tasks(session=session, limit=500, **filters)
                 if t.form == CALLBACK_FORM]
        asked = {t.id: platform().runtime.task_data(t.id, session=session).get("assignment") or {} for t in tasks}
        session.expunge_all()
    now = utcnow()
    return render_template("callcentre/callbacks.html", tasks=tasks, asked=asked, overdue={t.id: is_overdue(t, now) for t in tasks},
                           departments=DEPARTMENTS, wards={c: w.name for c, w in load_wards().items()})


@bp.get("/callcentre/callbacks/<int:task_id>")
@roles_required(*CALLBACK_READERS)
def show(task_id: int):
    who = page_actor()
    with platform().database.transaction() as session:
        task = task_by_id(session, require_id(task_id, "task"))
        if task is None or task.form != CALLBACK_FORM:
            raise not_found("task")
        check_task(who, task)
        details = callback_details(session, who, task) if task.state == "READY" else None
        asked = platform().runtime.task_data(task.id, session=session).get("assignment") or {} if details else {}
        session.expunge(task)
    return render_template("callcentre/callback.html", task=task, details=details, asked=asked,
                           departments=DEPARTMENTS)
