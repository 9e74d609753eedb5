"""The incident pages (随時報告): the form any member of staff on duty uses to report an incident, the list and the
report itself for the readers of reports (reading the account is audited). The supervisor's review is a task of
the incident process (bpmn/incident.bpmn) on the task list."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engine.db.models import HumanTask
from engine.runtime.human_tasks import READY
from processes.reports.access import READERS
from processes.reports.incident_vocabulary import ACCOUNT_FIELDS, INCIDENT_KINDS, INCIDENT_STATES
from processes.reports.incidents import REPORTERS, create_incident, list_incidents, read_incident
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("incidents", __name__, template_folder="templates")
WORDS = {"kinds": INCIDENT_KINDS, "states": INCIDENT_STATES, "fields": ACCOUNT_FIELDS}


@bp.route("/incidents")
@roles_required(*READERS)
def index():
    with platform().database.transaction(write=False) as session:
        rows = list_incidents(session, page_actor())
    return render_template("reports/incidents.html", rows=rows, may_report=page_actor().role in REPORTERS, **WORDS)


@bp.route("/incidents/new", methods=["GET", "POST"])
@roles_required(*REPORTERS)
def new():
    values, errors = dict(request.form), {}
    if request.method == "POST":
        p = platform()
        try:
            with p.database.transaction() as session:
                row = create_incident(session, p.runtime, page_actor(), values)
                number = row.id
            flash(f"随時報告 第{number}号を受け付けました。スーパーバイザーが確認して市へ提出します。", "success")
            if page_actor().role in READERS:
                return redirect(url_for("incidents.show", incident_id=number))
            return redirect(url_for("incidents.new"))
        except ValidationFailed as exc:
            errors = {e.field: e.message for e in exc.errors}
    return render_template("reports/incident_new.html", values=values, errors=errors, **WORDS), \
        422 if errors else 200


@bp.route("/incidents/<int:incident_id>")
@roles_required(*READERS)
def show(incident_id: int):
    with platform().database.transaction() as session:          # the read is audited
        row, account = read_incident(session, page_actor(), incident_id)
        task = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == row.instance_id,
                                                         HumanTask.state == READY)) if row.instance_id else None
    return render_template("reports/incident.html", row=row, account=account, task=task, **WORDS)
