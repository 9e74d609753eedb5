"""Rebooking and cancelling a booked case through the JSON API (the same functions as the case screen)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.okuyami.booking_changes import cancel_case, move_case
from processes.okuyami.case_view import read_case
from web.api.support import actor, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_case_actions", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.post("/cases/<int:case_id>/move")
@token_required
def move(case_id: int):
    """`{"slot_start": "2026-12-08T13:00:00+09:00"}`: another free slot of the same ward."""
    body = json_body()
    who = actor()
    p = platform()
    with p.database.transaction() as session:
        move_case(session, p.runtime, who, case_id, body.get("slot_start"))
        view = read_case(session, p.runtime, who, case_id)
    return jsonify(view)


@bp.post("/cases/<int:case_id>/cancel")
@token_required
def cancel(case_id: int):
    """`{"reason": "..."}`: the booking is cancelled and the open pre-check or visit is withdrawn."""
    body = json_body()
    who = actor()
    p = platform()
    with p.database.transaction() as session:
        cancel_case(session, p.runtime, who, case_id, body.get("reason"))
        view = read_case(session, p.runtime, who, case_id)
    return jsonify(view)
