"""Tasks through the JSON API: filtered lists, one task with its form (JSON Schema) and data, claim, complete."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from engine.runtime import audit
from processes.access import (
    check_task,
    not_found,
    require_id,
    sees_personal_data,
    task_scope,
    visible_task_data,
)
from processes.okuyami.booking import RESERVATION_FORMS, validate_intake_task
from processes.okuyami.case_view import task_json
from processes.okuyami.precheck import PRECHECK_FORM, precheck_errors
from processes.task_queries import find_tasks, parse_filters, task_by_id
from processes.validation import ValidationFailed, load_form, schema_errors

from .api import token_required
from .api_support import actor, json_body, register_errors
from .extensions import platform

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.get("/tasks")
@token_required
def tasks():
    who = actor()
    scope = task_scope(who)
    filters = parse_filters(request.args, who.username)
    with platform().database.transaction(write=False) as session:
        rows = find_tasks(session, scope, filters)
        return jsonify({"tasks": [task_json(t) for t in rows]})


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
        row = _task(session, task_id)
        body = task_json(row)
        body["form_schema"] = load_form(p.settings.forms_dir, row.form) if row.form else None
        data = p.runtime.task_data(row.id, session=session) if row.state == "READY" else {}
        body["data"] = visible_task_data(row, data)
        if body["data"] is data and data and sees_personal_data(who):
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
        return jsonify(task_json(row))


@bp.post("/tasks/<int:task_id>/complete")
@token_required
def complete(task_id: int):
    p = platform()
    who = actor()
    data = json_body()
    with p.database.transaction() as session:
        row = _task(session, task_id)
        if row.form:
            errors = schema_errors(load_form(p.settings.forms_dir, row.form), data)
            if errors:
                raise ValidationFailed(errors)
            if row.form in RESERVATION_FORMS:
                validate_intake_task(p.settings.forms_dir, row.form, data, session, p.runtime)
            if row.form == PRECHECK_FORM:
                assignment = p.runtime.task_data(row.id, session=session).get("assignment") or {}
                errors = precheck_errors(assignment, data.get("precheck_result"))
                if errors:
                    raise ValidationFailed(errors)
        result = p.runtime.complete_task(row.id, data, who.username, session=session)
        return jsonify({"instance_id": result.id, "status": result.status, "new_tasks": list(result.new_tasks)})
