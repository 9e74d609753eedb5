"""Tasks through the JSON API: filtered lists (with due dates and overdue flags), one task with its form (JSON
Schema) and data, claim, unclaim, reassign (supervisor), complete."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.db.types import utcnow
from engine.errors import NotFound
from engine.runtime import audit
from processes.okuyami.case_view import task_json
from processes.tasks.access import (
    check_task,
    not_found,
    require_id,
    sees_personal_data,
    shows_personal_data,
    task_scope,
    visible_task_data,
)
from processes.tasks.assignment import reassign as reassign_task
from processes.tasks.assignment import unclaim as unclaim_task
from processes.tasks.completion import complete as complete_task
from processes.tasks.queries import MAX_LIMIT, find_task_rows, is_overdue, parse_filters, task_by_id
from processes.tasks.validation import ValidationFailed, load_form, unknown_field_errors
from web.api.support import actor, every_field_checked, int_arg, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1")
register_errors(bp)
MAX_OFFSET = 1_000_000


def listed(task, now=None) -> dict:
    """A task as task lists show it: its fields plus whether it is overdue."""
    return {**task_json(task), "overdue": is_overdue(task, now)}


@bp.get("/tasks")
@token_required
def tasks():
    """A page of the caller's tasks in due order: `limit` (1–500, default 500) from `offset` (default 0)."""
    who = actor()
    scope = task_scope(who)
    filters, limit, offset = every_field_checked(lambda: parse_filters(request.args, who.username),
                                                 lambda: int_arg("limit", MAX_LIMIT, 1, MAX_LIMIT),
                                                 lambda: int_arg("offset", 0, 0, MAX_OFFSET))
    now = utcnow()
    with platform().database.transaction(write=False) as session:
        rows = find_task_rows(session, scope, filters, limit=limit, now=now, offset=offset)
    return jsonify({"tasks": [listed(t, now) for t in rows], "limit": limit, "offset": offset})


def _task(session, task_id: int):
    row = task_by_id(session, require_id(task_id, "task"))
    if row is None:
        raise not_found("task")
    check_task(actor(), row)
    return row


@bp.get("/tasks/<int:task_id>")
@token_required
def show(task_id: int):
    p = platform()
    who = actor()
    with p.database.transaction() as session:
        try:
            row, data = p.runtime.task_with_data(require_id(task_id, "task"), session=session)
        except NotFound:
            raise not_found("task") from None
        check_task(who, row)
        body = listed(row)
        body["form_schema"] = load_form(p.settings.forms_dir, row.form) if row.form else None
        data = data if data is not None else {}
        body["data"] = visible_task_data(row, data)
        if shows_personal_data(body["data"]) or (body["data"] is data and data and sees_personal_data(who)):
            audit.record(session, who.username, "case.viewed", instance_id=row.instance_id, task_id=row.task_id,
                         detail={"personal_data": True, "via": "task"})
        return jsonify(body)


@bp.post("/tasks/<int:task_id>/claim")
@token_required
def claim(task_id: int):
    p = platform()
    who = actor()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        p.runtime.claim(row.id, who.username, session=session)
        session.refresh(row)
        return jsonify(listed(row))


@bp.post("/tasks/<int:task_id>/unclaim")
@token_required
def unclaim(task_id: int):
    p = platform()
    who = actor()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        unclaim_task(session, p.runtime, who, row)
        session.refresh(row)
        return jsonify(listed(row))


@bp.post("/tasks/<int:task_id>/reassign")
@token_required
def reassign(task_id: int):
    p = platform()
    who = actor()
    body = json_body()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        reassign_task(session, who, row, body.get("assignee"))
        session.refresh(row)
        return jsonify(listed(row))


@bp.post("/tasks/<int:task_id>/complete")
@token_required
def complete(task_id: int):
    p = platform()
    who = actor()
    data = json_body()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        unknown = unknown_field_errors(load_form(p.settings.forms_dir, row.form), data) if row.form else []
        if unknown:
            raise ValidationFailed(unknown, status=400, user_message="フォームにない項目が送られました。")
        result = complete_task(session, p.runtime, p.settings.forms_dir, who, row, data)
        return jsonify({"instance_id": result.id, "status": result.status, "new_tasks": list(result.new_tasks)})
