"""The phone figures through the JSON API: the city's statistics for a period and the staffing forecast of a day."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from processes.calls.access import STAFFING_READERS, agent_scope, read_day, read_period
from processes.calls.staffing import staffing
from processes.calls.statistics import statistics
from processes.calls.views import stats_document
from processes.tasks.access import require
from processes.tasks.validation import ValidationFailed
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_calls", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.get("/calls/stats")
@token_required
def stats():
    agent = agent_scope(actor())
    period = read_period(request.args)
    with platform().database.transaction(write=False) as session:
        figures = statistics(session, period, agent)
    return jsonify(stats_document(figures))


@bp.get("/calls/staffing")
@token_required
def staffing_forecast():
    require(actor().role in STAFFING_READERS)
    errors = []
    day = read_day(request.args, "date", errors)
    if errors:
        raise ValidationFailed(errors, user_message="日付の指定に誤りがあります。")
    with platform().database.transaction(write=False) as session:
        return jsonify(staffing(session, day))
