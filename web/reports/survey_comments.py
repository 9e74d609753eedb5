"""The monthly report's survey comments review (supervisors and admins): the month's comments, phone numbers and
e-mail addresses masked, each with a box to put it into the report; saving makes the ticked ones the month's
comments (the HTML, XLSX and PDF show only those)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from processes.reports import survey_comments
from processes.reports.access import MAKERS
from processes.reports.figures import parse_month
from processes.reports.layout import ward_name
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("report_comments", __name__, template_folder="templates")
bp.add_app_template_filter(ward_name, "report_ward")


def _message(exc: ValidationFailed) -> str:
    return " ".join(e.message for e in exc.errors) or exc.user_message


@bp.route("/reports/monthly/<period>/comments")
@roles_required(*MAKERS)
def review(period: str):
    try:
        month = parse_month(period)
        with platform().database.transaction() as session:
            found = survey_comments.candidates(session, page_actor(), month)
    except ValidationFailed as exc:
        flash(_message(exc), "error")
        return redirect(url_for("reports.index"))
    return render_template("reports/comments.html", period=period, comments=found)


@bp.route("/reports/monthly/<period>/comments", methods=["POST"])
@roles_required(*MAKERS)
def save(period: str):
    try:
        month = parse_month(period)
    except ValidationFailed as exc:
        flash(_message(exc), "error")
        return redirect(url_for("reports.index"))
    try:
        with platform().database.transaction() as session:
            count = survey_comments.pick(session, page_actor(), month, request.form.getlist("answer"))
        flash(f"報告書に載せるご意見を{count}件にしました。確定済みの版には反映されません（訂正版を作成すると反映されます）。", "success")
    except ValidationFailed as exc:
        flash(_message(exc), "error")
    return redirect(url_for("report_comments.review", period=period))
