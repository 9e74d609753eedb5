"""Cases through the JSON API: create a booked or walk-in case with its reservation, read a case."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.okuyami.booking import create_case
from processes.okuyami.case_view import read_case
from processes.tasks.access import check_create
from web.api.support import actor, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.post("/cases")
@token_required
def create():
    body = json_body()
    who = actor()
    channel = "booking" if "slot_start" in body or who.role != "counter" else "walk_in"
    check_create(who, channel, body.get("ward"))
    p = platform()
    with p.database.transaction() as session:
        case = create_case(session, p.runtime, p.settings.forms_dir, channel, who.username, body)
        view = read_case(session, p.runtime, who, case.id)
    return jsonify(view), 201, {"Location": f"/api/v1/cases/{case.id}"}


@bp.get("/cases/<int:case_id>")
@token_required
def show(case_id: int):
    p = platform()
    with p.database.transaction() as session:
        return jsonify(read_case(session, p.runtime, actor(), case_id))
