"""Models through the JSON API: validate a BPMN or DMN file without deploying, deploy it as a new version.

The request body is the file itself (any content type; a multipart upload's first file is accepted too). The
kind comes from `?kind=bpmn|dmn|catalogue` or, for XML, from the root element's namespace."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from engine.registry.xml import MAX_MODEL_BYTES, UnsafeOrInvalidXml, model_kind, parse_model_xml
from processes.modelling.service import KINDS, deploy_model, validate_model
from processes.tasks.access import Forbidden, require
from web.api.support import actor, error_response, register_errors
from web.api.tokens import token_required
from web.extensions import platform

log = logging.getLogger(__name__)

bp = Blueprint("api_models", __name__, url_prefix="/api/v1")
register_errors(bp)

MODEL_VALIDATORS = frozenset({"process_owner", "supervisor", "auditor"})
MODEL_DEPLOYERS = frozenset({"process_owner"})
TOO_LARGE = f"ファイルが大きすぎます（上限 {MAX_MODEL_BYTES // (1024 * 1024)} MiB）。"


class _TooLarge(Exception):
    pass


def _body() -> bytes:
    if request.content_length is not None and request.content_length > MAX_MODEL_BYTES:
        raise _TooLarge
    if request.mimetype == "multipart/form-data":
        upload = next(iter(request.files.values()), None)
        content = upload.stream.read(MAX_MODEL_BYTES + 1) if upload is not None else b""
    else:
        content = request.stream.read(MAX_MODEL_BYTES + 1)
    if len(content) > MAX_MODEL_BYTES:
        raise _TooLarge
    return content


def _kind(content: bytes) -> str | None:
    wanted = request.args.get("kind")
    if wanted:
        return wanted if wanted in KINDS else None
    try:
        return model_kind(parse_model_xml(content)) or "bpmn"
    except UnsafeOrInvalidXml:
        return "bpmn"  # validate_model reports why it cannot be read


def _problem_list(problems) -> list[dict]:
    return [p.as_dict() for p in problems]


def _read_request(allowed: frozenset[str]):
    """(kind, content) of the request, or an error response."""
    try:
        require(actor().role in allowed)
    except Forbidden as exc:
        return None, error_response(403, exc.user_message)
    try:
        content = _body()
    except _TooLarge:
        return None, error_response(413, TOO_LARGE)
    if not content.strip():
        return None, (jsonify({"ok": False, "errors": [{"element": None, "message": "ファイルが空です。"}]}), 400)
    kind = _kind(content)
    if kind is None:
        return None, (jsonify({"ok": False, "errors": [{"element": None, "message":
                                                        "kind は bpmn・dmn・catalogue のいずれかにしてください。"}]}), 400)
    return (kind, content), None


@bp.post("/models/validate")
@token_required
def validate():
    """{"ok": bool, "errors": [{"element": id or null, "message": text}]}; nothing is written."""
    parsed, error = _read_request(MODEL_VALIDATORS)
    if error is not None:
        return error
    kind, content = parsed
    p = platform()
    with p.database.transaction(write=False) as session:
        problems = validate_model(kind, content, session=session, registry=p.registry,
                                  name=request.args.get("name") or None)
    return jsonify({"ok": not problems, "kind": kind, "errors": _problem_list(problems)})


@bp.post("/models/deploy")
@token_required
def deploy():
    """A valid model becomes a new version (201, with its number); a refused one changes nothing (422)."""
    parsed, error = _read_request(MODEL_DEPLOYERS)
    if error is not None:
        return error
    kind, content = parsed
    p = platform()
    comment = (request.args.get("comment") or "")[:2000]
    with p.database.transaction() as session:
        result = deploy_model(session, p.registry, kind, content, actor().username, comment,
                              name=request.args.get("name") or None)
    body = result.as_dict()
    return jsonify(body), (201 if result.ok and not result.unchanged else 200 if result.ok else 422)
