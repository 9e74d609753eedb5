"""The API's own endpoints: health, the public navi evaluation and the caller's identity."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from engine.registry.live import DecisionNotDeployed
from processes.okuyami.interview import InvalidAnswers
from processes.okuyami.navi import evaluate_answers
from web.api.tokens import token_required
from web.extensions import platform
from web.identity import StaffUser

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health():
    return jsonify({"status": "ok"})


@bp.post("/navi/evaluate")
def navi_evaluate():
    """The public navi: answers in, the family's procedures out. No login, nothing stored."""
    answers = request.get_json(silent=True)
    if answers is None:
        return jsonify({"error": {"status": 400, "message": "回答を JSON オブジェクトで送ってください。"},
                        "errors": [{"field": "answers", "message": "JSON として読み込めません。"}]}), 400
    try:
        with platform().database.transaction(write=False) as session:
            procedures = evaluate_answers(session, answers)
    except InvalidAnswers as exc:
        return jsonify({"error": {"status": 400, "message": exc.user_message},
                        "errors": [e.as_dict() for e in exc.errors]}), 400
    except DecisionNotDeployed as exc:
        return jsonify({"error": {"status": 503, "message": exc.user_message}, "errors": []}), 503
    return jsonify(procedures)


@bp.get("/me")
@token_required
def me():
    user: StaffUser = g.api_user
    return jsonify({"username": user.username, "display_name": user.display_name, "role": user.role,
                    "ward": user.ward, "department": user.department})
