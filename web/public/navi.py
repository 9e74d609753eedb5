"""The home navi (spec 5(2)②イ–オ): /navi asks one question group per screen, /navi/result lists the family's
procedures at the chosen ward with the answers code, POST /navi/code gives the code of JSON answers.

Nothing is stored on the server: the answers travel in the query of each screen's form (GET), so back, forward,
bookmarks and reloads keep them, and every page works without script."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from web.public.navi_model import PREFIX, Navi
from web.public.page_cache import PageCache

bp = Blueprint("public_navi", __name__, url_prefix="/navi", template_folder="templates")
WARD = "ward"
_results = PageCache(2048)
"""Result pages by their answers: the same answers give the same page until the next export (the bench's case)."""


def navi() -> Navi:
    found = current_app.extensions["public_export"].part("navi", Navi.from_export)
    if found is None:
        abort(404)
    return found


def _ward(model: Navi) -> str | None:
    ward = request.values.get(WARD, "")
    return ward if ward in model.wards else None


def _query(model: Navi, answers: dict, ward: str | None) -> list[tuple[str, str]]:
    return ([(WARD, ward)] if ward else []) + model.hidden_fields(answers)


@bp.get("")
def interview():
    model = navi()
    answers, errors = model.answers_from(request.args.getlist)
    ward = _ward(model)
    steps = len(model.groups) + 1                          # the ward first, then each question group
    try:
        step = int(request.args.get("step", 0))
    except ValueError:
        step = 0
    step = min(max(step, 0), steps - 1)
    go = request.args.get("go")
    missing_ward = go == "next" and step == 0 and ward is None
    if go == "back":
        step = max(step - 1, 0)
    elif go == "next" and not errors and not missing_ward:    # otherwise stay and show what to correct
        if step == steps - 1:
            return redirect(url_for(".result") + "?" + urlencode(_query(model, answers, ward)), 303)
        step += 1
    group = model.groups[step - 1] if step else None
    shown = {q["key"] for q in group["questions"]} if group else set()
    carried = [(WARD, ward)] if ward and step else []
    carried += model.hidden_fields(answers, skip=shown)
    return render_template("public/navi/step.html", model=model, step=step, steps=steps, group=group,
                           answers=answers, ward=ward, carried=carried, errors=errors, prefix=PREFIX,
                           missing_ward=missing_ward)


@bp.route("/result", methods=["GET", "POST"])
def result():
    model = navi()
    answers, errors = model.answers_from(request.values.getlist)
    ward = _ward(model)
    if errors:
        return render_template("public/navi/step.html", model=model, step=1, steps=len(model.groups) + 1,
                               group=model.groups[0], answers=answers, ward=ward, errors=errors, prefix=PREFIX,
                               carried=model.hidden_fields(answers, {q["key"] for q in model.groups[0]["questions"]}),
                               missing_ward=False), 400
    key = (tuple(sorted(request.values.items(multi=True))), id(model))
    return _results.get(key, lambda: _result_page(model, answers, ward))


def _result_page(model: Navi, answers: dict, ward: str | None) -> str:
    procedures = model.select(answers)
    back = url_for(".interview") + "?" + urlencode([("step", str(len(model.groups)))] + _query(model, answers, ward))
    return render_template("public/navi/result.html", model=model, procedures=procedures, ward=ward,
                           ward_info=model.wards.get(ward), code=model.code(answers), back=back,
                           to_confirm=sum(p["needs_confirmation"] for p in procedures))


@bp.post("/code")
def code():
    model = navi()
    answers, errors = model.answers_from_json(request.get_json(silent=True))
    if errors:
        return jsonify({"error": {"status": 400, "message": "回答の内容に誤りがあります。"}, "errors": errors}), 400
    response = jsonify({"code": model.code(answers), "interview_version": model.version})
    response.headers["Cache-Control"] = "no-store"
    return response

