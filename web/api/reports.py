"""The reports through the JSON API: the figures of a month (月次業務実績) as JSON, and the same month's report as
XLSX or PDF on the same path (`.xlsx` / `.pdf`)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify

from processes.reports.access import READERS
from processes.reports.figures import monthly_results, parse_month
from processes.reports.versions import latest_texts
from processes.tasks.access import require
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1")
register_errors(bp)
FILE_FORMATS = ("xlsx", "pdf")


@bp.get("/reports/monthly/<month>")
@token_required
def monthly(month: str):
    require(actor().role in READERS)
    if "." in month:
        return monthly_file(*month.rsplit(".", 1))
    period = parse_month(month)
    with platform().database.transaction(write=False) as session:
        return jsonify(monthly_results(session, period, platform().runtime))


def monthly_file(month: str, fmt: str):
    from web.reports.output import MIMETYPES, file_name, report_file

    if fmt not in FILE_FORMATS:
        abort(404)
    period = parse_month(month)
    with platform().database.transaction(write=False) as session:
        figures = monthly_results(session, period, platform().runtime)
        texts = latest_texts(session, "monthly", figures["period"])
    return Response(report_file(figures, fmt, texts), mimetype=MIMETYPES[fmt].split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{file_name(figures, fmt)}"'})
