"""Incident reports (随時報告) through the JSON API: draft one (its review by a supervisor starts at once) and list
them (kind, when, personal data involved or not, state, submitted when: never the account itself)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.reports.incidents import create_incident, list_incidents, summary_of
from web.api.support import actor, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_incidents", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.post("/incidents")
@token_required
def create():
    body, who = json_body(), actor()
    p = platform()
    with p.database.transaction() as session:
        row = create_incident(session, p.runtime, who, body)
        view = summary_of(row)
    return jsonify(view), 201, {"Location": f"/api/v1/incidents/{view['id']}"}


@bp.get("/incidents")
@token_required
def index():
    with platform().database.transaction(write=False) as session:
        return jsonify({"items": [summary_of(row) for row in list_incidents(session, actor())]})
