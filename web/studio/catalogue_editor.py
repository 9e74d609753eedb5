"""The catalogue editor: one procedure of the catalogue as a server-rendered form (every field of the entry, a
counter per ward, effective-from/to dates), a preview of the family's guidance sheet for it, and the same
save as draft / deploy as a new version as the model editors (processes.modelling.service; every deploy runs
the saved example interviews). Process owners edit; supervisors and auditors read."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_login import current_user

from processes.departments import DEPARTMENTS
from processes.documents.template_titles import template_title
from processes.documents.templates import template_names
from processes.modelling import service
from processes.okuyami.catalogue import validate_catalogue_text
from processes.okuyami.catalogue_store import live_catalogue
from processes.okuyami.catalogue_validation import HANDLING_LABELS, CatalogueError
from processes.okuyami.guidance import guidance_sheet
from processes.wards import load_wards
from web.extensions import platform
from web.guards import roles_required
from web.studio import catalogue_form

bp = Blueprint("catalogue_editor", __name__, url_prefix="/catalogue", template_folder="templates")

EDITORS = ("process_owner",)
READERS = ("process_owner", "supervisor", "auditor")
KIND = NAME = "catalogue"
ACTIONS = ("preview", "save", "deploy")
MAX_COMMENT = 500


def _base(session) -> tuple[str, service.Draft | None]:
    """The text edits apply to: the latest draft when it is newer than the live catalogue and differs from it,
    else the live catalogue."""
    live_text = live_catalogue(session).text
    draft = service.latest_draft(session, KIND, NAME)
    versions = service.model_versions(session, KIND, NAME)
    if draft is None or draft.content.decode("utf-8") == live_text:
        return live_text, None
    if versions and draft.created_at < versions[-1].deployed_at:
        return live_text, None
    return draft.content.decode("utf-8"), draft


@bp.get("/")
@roles_required(*READERS)
def index():
    p = platform()
    with p.database.transaction() as session:
        text, draft = _base(session)
        catalogue = validate_catalogue_text(text) if draft is None else None
        document = catalogue_form.load_document(text)
        versions = service.model_versions(session, KIND, NAME)
    return render_template("editor/catalogue_index.html", entries=document["procedures"], draft=draft,
                           version_label=document.get("version"), versions=versions,
                           catalogue=catalogue, read_only=current_user.role not in EDITORS,
                           departments=DEPARTMENTS, handlings=HANDLING_LABELS)


def _load_template_choices() -> None:
    """The form templates a procedure may print, (name, title), read once per request before any write."""
    p = platform()
    with p.database.transaction(write=False) as session:
        g.template_choices = [(name, template_title(session, name)) for name in template_names(session)]


def _preview(text: str, procedure_id: str, ward: str):
    catalogue = validate_catalogue_text(text)
    return guidance_sheet(0, {"ward": ward, "procedures": [{"id": procedure_id}]}, catalogue)


def _render(procedure_id: str, values: dict, *, draft, version_label: str, ward: str, preview=None,
            field_errors=None, problems=(), message: str = "", ok: bool = False, status: int = 200):
    return render_template(
        "editor/catalogue_entry.html", procedure_id=procedure_id, fields=catalogue_form.entry_fields(),
        values=values, wards=load_wards(), ward=ward, preview=preview, field_errors=field_errors or {},
        problems=list(problems), message=message, ok=ok, draft=draft, version_label=version_label,
        read_only=current_user.role not in EDITORS, template_choices=g.get("template_choices", [])), status


def _ward() -> str:
    wards = load_wards()
    ward = request.values.get("preview_ward", "")
    return ward if ward in wards else next(iter(wards))


@bp.get("/<procedure_id>")
@roles_required(*READERS)
def entry(procedure_id: str):
    _load_template_choices()
    p = platform()
    with p.database.transaction() as session:
        text, draft = _base(session)
    document = catalogue_form.load_document(text)
    raw = catalogue_form.raw_entry(document, procedure_id)
    if raw is None:
        abort(404)
    ward = _ward()
    try:
        preview = _preview(text, procedure_id, ward)
    except CatalogueError:
        preview = None  # a draft with problems: the form shows them when it is submitted
    return _render(procedure_id, catalogue_form.form_values(raw), draft=draft,
                   version_label=str(document.get("version", "")), ward=ward, preview=preview)


@bp.post("/<procedure_id>")
@roles_required(*EDITORS)
def submit(procedure_id: str):
    action = request.form.get("action")
    if action not in ACTIONS:
        abort(400)
    comment = request.form.get("comment", "").strip()[:MAX_COMMENT]
    version_label = request.form.get("version_label", "").strip()[:100]
    ward = _ward()
    _load_template_choices()
    p = platform()
    with p.database.transaction() as session:
        base, draft = _base(session)
        if catalogue_form.raw_entry(catalogue_form.load_document(base), procedure_id) is None:
            abort(404)
        entry_values = catalogue_form.entry_from_form(request.form, procedure_id)
        text = catalogue_form.replace_entry(base, procedure_id, entry_values, version_label or None)
        values = catalogue_form.form_values(entry_values)
        render = dict(draft=draft, version_label=version_label, ward=ward)
        try:
            preview = _preview(text, procedure_id, ward)
        except CatalogueError as exc:
            field_errors, others = _sort_problems(exc.problems, procedure_id)
            if action == "save":
                service.save_draft(session, KIND, NAME, text.encode("utf-8"), current_user.username, comment)
                render["draft"] = service.latest_draft(session, KIND, NAME)
            message = ("下書きを保存しました。" if action == "save" else "") + \
                f"{len(exc.problems)}件の問題があります。赤字の項目を直してください。"
            return _render(procedure_id, values, field_errors=field_errors, problems=others, message=message,
                           status=422, **render)
        if action == "preview":
            return _render(procedure_id, values, preview=preview, message="案内票の見本を更新しました（まだ保存していません）。",
                           ok=True, **render)
        if action == "save":
            service.save_draft(session, KIND, NAME, text.encode("utf-8"), current_user.username, comment)
            render["draft"] = service.latest_draft(session, KIND, NAME)
            return _render(procedure_id, values, preview=preview, message="下書きを保存しました。", ok=True, **render)
        result = service.deploy_model(session, p, KIND, text.encode("utf-8"), current_user.username, comment)
        if not result.ok:
            return _render(procedure_id, values, preview=preview, problems=[pr.message for pr in result.problems],
                           message="登録できませんでした。", status=422, **render)
        render["draft"] = None
    message = (f"登録済みの版 {result.version} と同じ内容です。" if result.unchanged
               else f"手続カタログを版 {result.version} として登録しました（例 {result.examples_run} 件を確認済み）。")
    return _render(procedure_id, values, preview=preview, message=message, ok=True, **render)


def _sort_problems(problems, procedure_id: str) -> tuple[dict[str, list[str]], list[str]]:
    """This entry's problems by field (shown beside it); the others (other entries, the whole file) in a list."""
    by_field: dict[str, list[str]] = {}
    others = []
    for problem in problems:
        if problem.entry == procedure_id and problem.field:
            by_field.setdefault(problem.field, []).append(problem.message)
        else:
            others.append(problem.message)
    return by_field, others
