"""The JSON API under /api/v1, authenticated with per-user bearer tokens (`okuyami users token NAME`)."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request

from engine import accounts
from processes.okuyami.interview import InvalidAnswers
from processes.okuyami.navi import evaluate_answers

from .extensions import platform
from .identity import StaffUser

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized()
        with platform().database.transaction(write=False) as session:
            user = accounts.user_for_token(session, token.strip())
            if user is None:
                return _unauthorized()
            g.api_user = StaffUser.from_row(user)
        return view(*args, **kwargs)
    return wrapper


def _unauthorized():
    response = jsonify({"error": {"status": 401, "message": "有効なアクセストークンが必要です。"}})
    response.headers["WWW-Authenticate"] = 'Bearer realm="okuyami"'
    return response, 401


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
        procedures = evaluate_answers(answers, platform().settings.dmn_dir)
    except InvalidAnswers as exc:
        return jsonify({"error": {"status": 400, "message": exc.user_message},
                        "errors": [e.as_dict() for e in exc.errors]}), 400
    return jsonify(procedures)


@bp.get("/me")
@token_required
def me():
    user: StaffUser = g.api_user
    return jsonify({"username": user.username, "display_name": user.display_name, "role": user.role,
                    "ward": user.ward, "department": user.department})
