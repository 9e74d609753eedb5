"""The web inquiry form (お問い合わせフォーム, spec 5(4)④) at /inquiry: a question with an optional way to answer
(e-mail, phone, or no answer needed), as a form or as JSON (`question`, `reply_email`, `reply_channel`), answered
with 202 and the inquiry number. Sealed at once like a booking request; checked here with the staff side's rules
(processes/public/inquiry_rules.py) so the citizen can fix a mistake at once."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from processes.public.inquiry_rules import QUESTION_LIMIT, problems
from web.public import inbox, limits

bp = Blueprint("public_inquiry", __name__, url_prefix="/inquiry", template_folder="templates")
FIELDS = ("question", "reply_channel", "reply_email", "reply_phone", "reply_name")


def _page(status: int, values: dict, errors: list[str]):
    response = current_app.make_response((render_template(
        "public/inquiry/form.html", values=values, errors=errors, check=limits.challenge(), limit=QUESTION_LIMIT),
        status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(status: int, body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("")
def form():
    return _page(200, {}, [])


@bp.post("")
def submit():
    as_json = request.is_json
    raw = request.get_json(silent=True) if as_json else {k: request.form.get(k, "").strip() for k in FIELDS}
    if not isinstance(raw, dict):
        return _json(400, {"error": {"status": 400, "message": "JSON オブジェクトで送ってください。"}})
    payload = {k: raw[k] for k in FIELDS if raw.get(k) not in (None, "")}
    errors = problems(payload)
    if not as_json and not errors and not limits.passed(request.form.get("check_token"),
                                                        request.form.get("check_answer")):
        errors.append("確認の質問の答えが違います。もう一度お答えください。")
    if errors:
        if as_json:
            return _json(400, {"error": {"status": 400, "message": "お問い合わせの内容をご確認ください。"},
                               "errors": errors})
        return _page(400, raw, errors)
    message = None
    if not inbox.accepting():
        status, message = 503, "ただいまお問い合わせを受け付けられません。お電話（044-200-1500）でお問い合わせください。"
    elif not limits.allow("inquiry"):
        status, message = 429, "短い時間に多くのお問い合わせがあったため、受付を一時停止しています。しばらくしてからお試しください。"
    if message:
        return _json(status, {"error": {"status": status, "message": message}}) if as_json else \
            _page(status, raw, [message])
    number = inbox.store("inquiry", payload)
    if as_json:
        return _json(202, {"inquiry_number": number})
    response = current_app.make_response((render_template("public/inquiry/received.html", number=number,
                                                           channel=payload.get("reply_channel") or
                                                           ("email" if payload.get("reply_email") else "none")), 202))
    response.headers["Cache-Control"] = "no-store"
    return response
