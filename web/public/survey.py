"""The satisfaction survey (spec 5(3)④) at /survey/<token>: the corner and the call centre (5 points each),
whether the time at the counter felt right, a free comment. Anonymous: the token names only a ward and a week.
A guidance sheet's token takes one answer; the corner's tablet token takes one after another, the form
emptied after each (the thanks shows above a fresh form and disappears by itself)."""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from processes.public import sealing
from web.public import inbox, limits
from web.public.formatting import today

bp = Blueprint("public_survey", __name__, url_prefix="/survey", template_folder="templates")
SHEET, TABLET = "sheet", "tablet"
COMMENT_LIMIT = 2000
POINTS = [(5, "とても満足"), (4, "満足"), (3, "ふつう"), (2, "不満"), (1, "とても不満")]
TIME_CHOICES = [("yes", "ちょうどよかった"), ("no", "長すぎた・短すぎた")]


def _tokens() -> dict:
    return current_app.extensions["public_export"].part(
        "survey", lambda data: {t["hash"]: t for t in data.get("tokens", [])})


def _hash(token: str) -> str:
    return hashlib.sha256(sealing.normalise_code(token).encode("ascii", "replace")).hexdigest()


def _page(status: int = 200, **context):
    response = current_app.make_response((render_template("public/survey/form.html", points=POINTS,
                                                          time_choices=TIME_CHOICES, limit=COMMENT_LIMIT,
                                                          **context), status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _closed(message: str, status: int):
    response = current_app.make_response((render_template("public/survey/closed.html", message=message), status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _found(token: str):
    hashed = _hash(token)
    entry = _tokens().get(hashed) if len(token) <= 40 else None
    if entry is None:
        return hashed, None, _closed("この回答票のアンケートは見つかりませんでした。ご案内票に印刷された"
                                     "アドレスをもう一度お確かめください。", 404)
    if entry["kind"] == SHEET and sealing.claimed(inbox.root(), hashed):
        return hashed, entry, _closed("この回答票では、すでにご回答いただいています。ご協力ありがとうございました。",
                                      409)
    return hashed, entry, None


@bp.get("/<token>")
def form(token: str):
    _, entry, refused = _found(token)
    if refused is not None:
        return refused
    return _page(token=token, tablet=entry["kind"] == TABLET, thanks=request.args.get("thanks") == "1",
                 values={}, errors=[])


def _point(name: str, errors: list[str], label: str, optional: bool = False) -> int | None:
    raw = request.form.get(name, "")
    if raw == "" or (optional and raw == "none"):
        return None
    if raw.isdigit() and 1 <= int(raw) <= 5:
        return int(raw)
    errors.append(f"{label}は 1 から 5 の中から選んでください。")
    return None


@bp.post("/<token>")
def answer(token: str):
    hashed, entry, refused = _found(token)
    if refused is not None:
        return refused
    tablet = entry["kind"] == TABLET
    errors: list[str] = []
    corner = _point("corner_satisfaction", errors, "おくやみコーナーの満足度")
    centre = _point("callcentre_satisfaction", errors, "予約センターの満足度", optional=True)
    felt_raw = request.form.get("time_felt_right", "")
    if felt_raw not in ("", "yes", "no"):
        errors.append("窓口での時間は「ちょうどよかった」か「長すぎた・短すぎた」から選んでください。")
    comment = request.form.get("comment", "").strip()
    if len(comment) > COMMENT_LIMIT:
        errors.append(f"ご意見は {COMMENT_LIMIT} 文字以内でお書きください（いま {len(comment)} 文字です）。")
    if corner is None and centre is None and felt_raw == "" and not comment and not errors:
        errors.append("どれか一つ以上お答えください。")
    if errors:
        return _page(422, token=token, tablet=tablet, thanks=False, values=request.form, errors=errors)
    if not inbox.accepting():
        return _closed("ただいまアンケートを受け付けられません。時間をおいて再度お試しください。", 503)
    if not limits.allow(TABLET if tablet else "survey"):
        return _closed("短い時間に多くの回答が送られたため、受付を一時停止しています。しばらくしてからお試しください。",
                       429)
    if not tablet and not sealing.claim_once(inbox.root(), hashed):
        return _closed("この回答票では、すでにご回答いただいています。ご協力ありがとうございました。", 409)
    try:
        inbox.store("survey", {"token_hash": hashed, "answered_on": today().isoformat(),
                               "corner_satisfaction": corner, "callcentre_satisfaction": centre,
                               "time_felt_right": {"yes": True, "no": False}.get(felt_raw), "comment": comment})
    except BaseException:
        if not tablet:
            sealing.release(inbox.root(), hashed)
        raise
    if tablet:
        return redirect(url_for(".form", token=token, thanks=1), 303)
    response = current_app.make_response(render_template("public/survey/thanks.html"))
    response.headers["Cache-Control"] = "no-store"
    return response
