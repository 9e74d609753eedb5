"""Report files built by the worker: the report page's PDF, meeting pack and annual downloads queue a build here;
the build's page shows its state and progress (htmx polls it every few seconds while the worker is at it) and
offers the file when it is done, or says in Japanese that it failed. Roles as for reading the reports."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.errors import NotFound
from processes.reports.access import READERS
from processes.reports.builds import FORMATS, get_build, request_build
from processes.reports.models import BUILD_STATES, DONE, QUEUED, RUNNING
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("report_builds", __name__, template_folder="templates")
MIMETYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
FORMAT_NAMES = {"xlsx": "Excel", "pdf": "PDF", "pack": "定例報告会資料（PDF）"}


@bp.route("/reports/<kind>/<period>/build", methods=["POST"])
@roles_required(*READERS)
def queue(kind: str, period: str):
    version = request.form.get("version", type=int)
    try:
        with platform().database.transaction() as session:
            build = request_build(session, page_actor(), kind, period, request.form.get("format", ""), version)
            build_id = build.id
    except ValidationFailed as exc:
        flash(" ".join(e.message for e in exc.errors) or exc.user_message, "error")
        return redirect(url_for("reports.index"))
    return redirect(url_for("report_builds.show", build_id=build_id))


@bp.route("/reports/builds/<int:build_id>")
@roles_required(*READERS)
def show(build_id: int):
    try:
        with platform().database.transaction(write=False) as session:
            build = get_build(session, page_actor(), build_id)
            session.expunge(build)
    except NotFound as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("reports.index"))
    return render_template("reports/build.html", build=build, states=BUILD_STATES, formats=FORMAT_NAMES,
                           waiting=build.state in (QUEUED, RUNNING))


@bp.route("/reports/builds/<int:build_id>/file")
@roles_required(*READERS)
def file(build_id: int):
    try:
        with platform().database.transaction(write=False) as session:
            build = get_build(session, page_actor(), build_id)
            state, data, name, fmt = build.state, build.file, build.file_name, FORMATS[build.format]
    except NotFound as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("reports.index"))
    if state != DONE or data is None:
        return redirect(url_for("report_builds.show", build_id=build_id))
    return Response(data, mimetype=MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
