"""The model library: every BPMN process, DMN decision, the procedure catalogue and the form templates, with
their versions (who, when, comment), the live one, and how many running cases use each. Process owners work
here; supervisors and auditors read it."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from processes.modelling import service
from processes.modelling.library import form_templates
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("model_library", __name__, url_prefix="/models", template_folder="templates")

READERS = ("process_owner", "supervisor", "auditor")
KIND_LABELS = {"bpmn": "業務フロー（BPMN）", "dmn": "判定表（DMN）", "catalogue": "手続カタログ"}


def link_for(endpoint: str, **values) -> str | None:
    """A link to another feature's page, or None while that feature is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def model_title(session, kind: str, name: str) -> str:
    """What people call a model (its process or decision names), else its file name."""
    return next((m.title for m in service.list_models(session, kind) if m.name == name and m.title), name)


@bp.get("/")
@roles_required(*READERS)
def index():
    p = platform()
    with p.database.transaction(write=False) as session:
        models = service.list_models(session)
        templates = form_templates(session, task_forms_dir=p.settings.forms_dir / "tasks")
    groups = [(kind, label, [m for m in models if m.kind == kind]) for kind, label in KIND_LABELS.items()]
    return render_template("models/library.html", groups=groups, templates=templates, link_for=link_for,
                           can_edit=current_user.role == "process_owner")


@bp.get("/<kind>/<name>/versions")
@roles_required(*READERS)
def versions(kind: str, name: str):
    if kind not in KIND_LABELS:
        abort(404)
    p = platform()
    with p.database.transaction(write=False) as session:
        rows = service.model_versions(session, kind, name)
        title = model_title(session, kind, name) if rows else name
    if not rows:
        abort(404)
    return render_template("models/versions.html", kind=kind, kind_label=KIND_LABELS[kind], name=name, title=title,
                           versions=list(reversed(rows)), link_for=link_for,
                           can_edit=current_user.role == "process_owner")
