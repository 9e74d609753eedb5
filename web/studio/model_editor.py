"""The BPMN and DMN editors in the browser: the page (bpmn-js / dmn-js, bundled from web/assets/), the model's XML,
and save as draft / validate / deploy as JSON endpoints the editor's script calls. Process owners edit;
supervisors and auditors see the model read-only. The diff page lists what changed between two versions."""
from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_login import current_user

from engine.registry.xml import parse_model_xml
from processes.modelling import service
from processes.roles import LANE_ALIASES, ROLES, SYSTEM_ROLE
from web.extensions import platform
from web.guards import roles_required
from web.studio.model_library import model_title

bp = Blueprint("model_editor", __name__, url_prefix="/models", template_folder="templates")

EDITORS = ("process_owner",)
READERS = ("process_owner", "supervisor", "auditor")
KINDS = ("bpmn", "dmn")
MAX_COMMENT = 500
_SYSTEM_LABEL = "システム（自動処理）"


def _require_model(session, kind: str, name: str) -> list[service.ModelVersion]:
    """The versions of a deployed model; an unknown kind or name is 404."""
    if kind not in KINDS or not name.endswith(f".{kind}"):
        abort(404)
    versions = service.model_versions(session, kind, name)
    if not versions:
        abort(404)
    return versions


def _can_edit() -> bool:
    return current_user.role in EDITORS


def _open_draft(session, kind: str, name: str, versions: list[service.ModelVersion]) -> service.Draft | None:
    """The latest draft, when it was saved after the live version was deployed and differs from it."""
    draft = service.latest_draft(session, kind, name)
    live = versions[-1]
    if draft is None or draft.created_at < live.deployed_at:
        return None
    return None if draft.content == service.model_content(session, kind, name, live.version) else draft


# ------------------------------------------------------------------------------------------- the page
def _lane_roles() -> list[dict]:
    labels = {**ROLES, SYSTEM_ROLE: _SYSTEM_LABEL}
    return [{"code": code, "label": labels[code], "aliases": list(aliases)} for code, aliases in LANE_ALIASES.items()]


def _task_forms() -> list[str]:
    folder = platform().settings.forms_dir / "tasks"
    return sorted(p.name for p in folder.glob("*.json") if not p.name.endswith(".ui.json")) if folder.is_dir() else []


def _decisions(session) -> list[dict]:
    found = []
    for entry in service.list_models(session, "dmn"):
        content = service.model_content(session, "dmn", entry.name, entry.live_version)
        found += _decisions_in(content)
    return found


def _decisions_in(content: bytes) -> list[dict]:
    root = parse_model_xml(content)
    return [{"id": e.get("id"), "name": e.get("name") or ""} for e in root.iter("{*}decision") if e.get("id")]


@bp.get("/<kind>/<name>/edit")
@roles_required(*READERS)
def edit(kind: str, name: str):
    p = platform()
    with p.database.transaction() as session:
        versions = _require_model(session, kind, name)
        draft = _open_draft(session, kind, name, versions) if _can_edit() else None
        options = {"roles": _lane_roles(), "forms": _task_forms(), "decisions": _decisions(session)} \
            if kind == "bpmn" else {}
        title = model_title(session, kind, name)
    return render_template(f"editor/{kind}.html", kind=kind, name=name, title=title, versions=versions, live=versions[-1],
                           draft=draft, read_only=not _can_edit(), options=options)


@bp.get("/<kind>/<name>/source")
@roles_required(*READERS)
def source(kind: str, name: str):
    """The XML the editor opens: `?version=N`, else the newer of the latest draft and the live version."""
    p = platform()
    with p.database.transaction() as session:
        versions = _require_model(session, kind, name)
        wanted = request.args.get("version", type=int)
        draft = _open_draft(session, kind, name, versions) if wanted is None and _can_edit() else None
        if draft is not None:
            content = draft.content
        else:
            if wanted is not None and wanted not in {v.version for v in versions}:
                abort(404)
            content = service.model_content(session, kind, name, wanted or versions[-1].version)
    return Response(content, mimetype="application/xml")


# ------------------------------------------------------------------------------------------- save / validate / deploy
def _submitted() -> tuple[bytes, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("content"), str) or not body["content"].strip():
        abort(400)
    comment = body.get("comment") if isinstance(body.get("comment"), str) else ""
    return body["content"].encode("utf-8"), comment.strip()[:MAX_COMMENT]


def _errors(problems: list[service.ModelProblem]) -> list[dict]:
    """A problem in another file of the set (e.g. the DMN a business rule task calls) names no element here."""
    return [{"element": None if p.file else p.element, "message": p.message} for p in problems]


@bp.post("/<kind>/<name>/validate")
@roles_required(*EDITORS)
def validate(kind: str, name: str):
    content, _comment = _submitted()
    p = platform()
    with p.database.transaction() as session:
        _require_model(session, kind, name)
        problems = service.validate_model(kind, content, session=session, registry=p.registry, name=name)
    errors = _errors(problems)
    where = "図の赤い印" if kind == "bpmn" else "表の赤い行と下の一覧"
    message = "問題はありません。登録できます。" if not errors else f"{len(errors)}件の問題があります。{where}を確認してください。"
    return jsonify({"ok": not errors, "errors": errors, "message": message})


@bp.post("/<kind>/<name>/draft")
@roles_required(*EDITORS)
def save_draft(kind: str, name: str):
    content, comment = _submitted()
    p = platform()
    with p.database.transaction() as session:
        _require_model(session, kind, name)
        service.save_draft(session, kind, name, content, current_user.username, comment)
        problems = service.validate_model(kind, content, session=session, registry=p.registry, name=name)
    errors = _errors(problems)
    message = "下書きを保存しました。" + (f"（{len(errors)}件の問題があるため、まだ登録はできません）" if errors else "")
    return jsonify({"ok": True, "errors": errors, "message": message})


@bp.post("/<kind>/<name>/deploy")
@roles_required(*EDITORS)
def deploy(kind: str, name: str):
    content, comment = _submitted()
    p = platform()
    with p.database.transaction() as session:
        _require_model(session, kind, name)
        # Validate first, so that every problem is named on its element before the saved examples run.
        problems = service.validate_model(kind, content, session=session, registry=p.registry, name=name)
        if problems:
            result = service.DeployResult(ok=False, kind=kind, name=name, problems=problems)
        else:
            result = service.deploy_model(session, p, kind, content, current_user.username, comment, name=name)
    answer = result.as_dict()
    answer["errors"] = _errors(result.problems)
    if not result.ok:
        answer["message"] = f"登録できませんでした（{len(answer['errors'])}件の問題があります）。"
    elif result.unchanged:
        answer["message"] = f"登録済みの版 {result.version} と同じ内容です。新しい版は作っていません。"
    else:
        processes = "、".join(f"{process} 版 {number}" for process, number in result.process_versions)
        answer["message"] = f"版 {result.version} として登録しました。" + (f"（新しいプロセスの版: {processes}）" if processes else "")
    return jsonify(answer)


# ------------------------------------------------------------------------------------------- diff
@bp.get("/<kind>/<name>/diff")
@roles_required(*READERS)
def diff(kind: str, name: str):
    p = platform()
    with p.database.transaction() as session:
        versions = _require_model(session, kind, name)
        numbers = [v.version for v in versions]
        new = request.args.get("to", type=int) or numbers[-1]
        old = request.args.get("from", type=int) or (numbers[-2] if len(numbers) > 1 else numbers[-1])
        if old not in numbers or new not in numbers:
            abort(404)
        changes = service.diff_versions(session, kind, name, old, new)
        title = model_title(session, kind, name)
    return render_template("editor/diff.html", kind=kind, name=name, title=title, versions=versions, old=old, new=new,
                           changes=changes)
