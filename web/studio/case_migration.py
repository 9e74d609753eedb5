"""Moving running cases to the live version of their process: the supervisor picks cases (one or a batch)
among those the engine says may move safely; an unsafe one is refused with the reason. Process owners and
auditors see the lists."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from processes.modelling.migration import cases_on_old_versions, migrate_cases, process_summaries
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("case_migration", __name__, url_prefix="/case-migrations", template_folder="templates")

MIGRATORS = ("supervisor",)
READERS = ("supervisor", "process_owner", "auditor")


@bp.get("/")
@roles_required(*READERS)
def index():
    with platform().database.transaction(write=False) as session:
        processes = process_summaries(session)
    return render_template("models/migration_index.html", processes=processes)


def _cases_page(process_id: str, outcomes=None, status: int = 200):
    p = platform()
    with p.database.transaction(write=False) as session:
        live, cases = cases_on_old_versions(session, p.runtime, process_id)
        live_name, live_version = live.name, live.version
    return render_template("models/migration_cases.html", process_id=process_id, name=live_name,
                           live_version=live_version, cases=cases, outcomes=outcomes or [],
                           can_migrate=current_user.role in MIGRATORS), status


@bp.get("/<process_id>")
@roles_required(*READERS)
def cases(process_id: str):
    return _cases_page(process_id)


@bp.post("/<process_id>")
@roles_required(*MIGRATORS)
def migrate(process_id: str):
    ids = [value for value in request.form.getlist("instance_ids") if value.isdigit()]
    if not ids:
        return _cases_page(process_id, status=422)
    p = platform()
    outcomes = migrate_cases(p.database, p.runtime, process_id, ids, page_actor().username)
    return _cases_page(process_id, outcomes)
