"""The visit through the JSON API: the family's check-in at the counter (on the visit's day only)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.okuyami.visit import check_in
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_visits", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.post("/cases/<int:case_id>/check-in")
@token_required
def check_in_case(case_id: int):
    """The counter of the case's ward records the family's arrival; 409 (with the visit's day) on any other day,
    and when the case is not at its visit. Checking in again answers the first time."""
    who = actor()
    p = platform()
    with p.database.transaction() as session:
        moment = check_in(session, p.runtime, who, case_id)
    return jsonify({"case_id": case_id, "checked_in_at": moment.isoformat()})
