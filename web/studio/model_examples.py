"""Example interviews (判定の確認例): answers and the procedures they must or must not select. Every deploy of the
selection DMN or the catalogue runs them all; here a process owner lists, adds, edits and deletes them and sees
how each fares on the live models. Supervisors and auditors read the list."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from processes.modelling.examples import (
    InvalidExample,
    add_example,
    delete_example,
    get_example,
    list_examples,
    update_example,
)
from processes.modelling.service import check_examples
from processes.okuyami.catalogue_store import live_catalogue
from processes.okuyami.interview import DATE_KEYS
from processes.okuyami.interview_questions import answers_from_form, question_groups
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("model_examples", __name__, url_prefix="/model-examples", template_folder="templates")

EDITORS = ("process_owner",)
READERS = ("process_owner", "supervisor", "auditor")
INCLUDE, EXCLUDE = "include", "exclude"


def _answers_from_request() -> dict:
    answers = answers_from_form(request.form.getlist)
    for key in DATE_KEYS:
        value = (request.form.get(f"answers.{key}") or "").strip()
        if value:
            answers[key] = value
    return answers


def _expectations_from_request(procedure_ids) -> tuple[list[str], list[str]]:
    chosen = {pid: request.form.get(f"expect.{pid}") for pid in procedure_ids}
    return ([pid for pid, v in chosen.items() if v == INCLUDE], [pid for pid, v in chosen.items() if v == EXCLUDE])


def _form(session, example=None, values=None, errors=None, status=200):
    catalogue = live_catalogue(session)
    procedures = [(p.id, p.name) for p in catalogue]
    if values is None:
        values = {"title": example.title, "answers": example.answers, "include": example.must_include,
                  "exclude": example.must_exclude} if example is not None else {
            "title": "", "answers": {}, "include": [], "exclude": []}
    return render_template("models/example_form.html", example=example, values=values, errors=errors or {},
                           groups=question_groups({p.id: p.name for p in catalogue}), procedures=procedures,
                           date_keys=DATE_KEYS), status


@bp.get("/")
@roles_required(*READERS)
def index():
    p = platform()
    with p.database.transaction(write=False) as session:
        examples = list_examples(session)
        run = check_examples(session)
        failures = {f.example_id: f for f in run.failures}
        general = [f for f in run.failures if f.example_id is None]
        return render_template("models/examples.html", examples=examples, failures=failures, general=general,
                               can_edit=current_user.role in EDITORS)


@bp.get("/new")
@roles_required(*EDITORS)
def new():
    with platform().database.transaction(write=False) as session:
        return _form(session)


def _save(example_id: int | None):
    p = platform()
    with p.database.transaction() as session:
        example = None
        if example_id is not None:
            example = get_example(session, example_id)
            if example is None:
                abort(404)
        procedure_ids = [proc.id for proc in live_catalogue(session)]
        title = (request.form.get("title") or "").strip()
        answers = _answers_from_request()
        include, exclude = _expectations_from_request(procedure_ids)
        try:
            if example is None:
                saved = add_example(session, page_actor().username, title, answers, include, exclude)
            else:
                saved = update_example(session, page_actor().username, example, title, answers, include, exclude)
        except InvalidExample as exc:
            session.rollback()
            values = {"title": title, "answers": answers, "include": include, "exclude": exclude}
            return _form(session, example, values, exc.errors, 422)
        flash(f"確認例「{saved.title}」を保存しました。次の登録から実行されます。", "success")
    return redirect(url_for("model_examples.index"))


@bp.post("/new")
@roles_required(*EDITORS)
def create():
    return _save(None)


@bp.get("/<int:example_id>/edit")
@roles_required(*EDITORS)
def edit(example_id: int):
    with platform().database.transaction(write=False) as session:
        example = get_example(session, example_id)
        if example is None:
            abort(404)
        return _form(session, example)


@bp.post("/<int:example_id>/edit")
@roles_required(*EDITORS)
def update(example_id: int):
    return _save(example_id)


@bp.post("/<int:example_id>/delete")
@roles_required(*EDITORS)
def delete(example_id: int):
    with platform().database.transaction() as session:
        example = get_example(session, example_id)
        if example is None:
            abort(404)
        title = example.title
        delete_example(session, page_actor().username, example)
    flash(f"確認例「{title}」を削除しました。", "success")
    return redirect(url_for("model_examples.index"))
