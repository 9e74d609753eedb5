"""The reports through the JSON API: the figures of a month (月次業務実績) as JSON."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.reports.access import READERS
from processes.reports.figures import monthly_results, parse_month
from processes.tasks.access import require
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.get("/reports/monthly/<month>")
@token_required
def monthly(month: str):
    require(actor().role in READERS)
    period = parse_month(month)
    with platform().database.transaction(write=False) as session:
        return jsonify(monthly_results(session, period))
