"""The supervisor's deadline view: overdue and soon-due tasks by ward and department, with their age, and the
escalations waiting for a supervisor; printable for the daily log (業務日報)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from engine.db.types import utcnow
from processes.departments import DEPARTMENTS
from processes.notifications.deadline_report import deadline_report, duration_ja
from processes.wards import load_wards
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor", template_folder="templates")


@bp.get("/deadlines")
@roles_required("supervisor")
def deadlines():
    with platform().database.transaction(write=False) as session:
        report = deadline_report(session, utcnow(), ward=current_user.ward)
    return render_template("supervisor/deadlines.html", report=report, wards=load_wards(),
                           departments=DEPARTMENTS, duration=duration_ja)
