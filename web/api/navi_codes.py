"""The answers code on the staff side: GET /api/v1/navi/codes/{code} gives back the answers a family's code from
the home navi carries, mapped onto today's interview (what no longer maps is listed as unanswered)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.public.answers_code import CodeError
from processes.public.navi import decode_code
from web.api.support import error_response, register_errors
from web.api.tokens import token_required

bp = Blueprint("api_navi_codes", __name__, url_prefix="/api/v1")
register_errors(bp)


@bp.get("/navi/codes/<code>")
@token_required
def show(code: str):
    try:
        answers, unanswered = decode_code(code)
    except CodeError as exc:
        return error_response(400, exc.message, [{"field": "code", "message": exc.message}])
    return jsonify({"answers": answers, "unanswered": unanswered})
