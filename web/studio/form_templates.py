"""Form templates for process owners: the list of templates with their versions, the fields a template may use,
and uploading a new version (validated before it is stored; earlier versions stay for the cases that used them)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from engine.documents.errors import TemplateRejected
from processes.documents.template_titles import template_title
from processes.documents.templates import (
    current_template,
    field_catalogue,
    repository_template,
    template_names,
    upload_template,
    versions_of,
)
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("form_templates", __name__, url_prefix="/forms/templates", template_folder="templates")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(problems: list[str] | None = None, status: int = 200):
    p = platform()
    with p.database.transaction(write=False) as session:
        rows = [(name, template_title(session, name), current_template(session, name), versions_of(session, name))
                for name in template_names(session)]
    return render_template("documents/templates.html", rows=rows, fields=field_catalogue(), problems=problems or [],
                           has_repository=lambda name: repository_template(name) is not None), status


@bp.get("/")
@roles_required("process_owner")
def index():
    return _page()


@bp.post("/")
@roles_required("process_owner")
def upload():
    name = (request.form.get("name") or "").strip()
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _page(["アップロードするファイル（.docx）を選んでください。"], 422)
    p = platform()
    try:
        with p.database.transaction() as session:
            row = upload_template(session, name, upload_file.read(), page_actor().username,
                                  (request.form.get("comment") or "").strip()[:500])
            version = row.version
    except TemplateRejected as exc:
        return _page(exc.problems, 422)
    with p.database.transaction(write=False) as session:
        title = template_title(session, name)
    flash(f"様式「{title}」の第{version}版を登録しました。これから作成する帳票に使われます。", "success")
    return redirect(url_for("form_templates.index"))


@bp.get("/<name>/<int:version>.docx")
@roles_required("process_owner")
def download(name: str, version: int):
    p = platform()
    with p.database.transaction(write=False) as session:
        if version == 0:
            template = repository_template(name)
            content = template.content if template else None
        else:
            content = next((v.content for v in versions_of(session, name) if v.version == version), None)
    if content is None:
        abort(404)
    return Response(content, mimetype=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{name}-{version}.docx"'})
