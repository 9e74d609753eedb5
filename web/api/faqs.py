"""The FAQ through the JSON API: items (create, read, change, delete, revisions), search, "answered with this
item", and the CSV export. Roles as processes/faq/access.py; an item an operator may not see is 404."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from processes.faq import csv_io, items, logs, search
from processes.faq.access import EDITORS, READERS, REVIEWERS, USERS
from processes.faq.revisions import ACTIONS, changes
from processes.tasks.access import require
from processes.tasks.validation import FieldError, ValidationFailed
from web.api.support import actor, every_field_checked, int_arg, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_faqs", __name__, url_prefix="/api/v1")
register_errors(bp)
MAX_LIMIT = 100


@bp.post("/faqs")
@token_required
def create():
    who = actor()
    require(who.role in EDITORS)
    body = json_body()
    with platform().database.transaction() as session:
        item = items.create(session, body, who.username)
        answer = items.as_dict(session, item)
    return jsonify(answer), 201


@bp.get("/faqs/<int:item_id>")
@token_required
def show(item_id: int):
    who = actor()
    require(who.role in READERS)
    with platform().database.transaction(write=False) as session:
        return jsonify(items.as_dict(session, items.get(session, item_id, who.role)))


@bp.patch("/faqs/<int:item_id>")
@token_required
def change(item_id: int):
    who = actor()
    require(who.role in EDITORS)
    body = json_body()
    with platform().database.transaction() as session:
        item = items.update(session, items.get(session, item_id, who.role), body, who.username)
        return jsonify(items.as_dict(session, item))


@bp.delete("/faqs/<int:item_id>")
@token_required
def delete(item_id: int):
    who = actor()
    require(who.role in EDITORS)
    with platform().database.transaction() as session:
        items.remove(session, items.get(session, item_id, who.role), who.username)
    return "", 204


@bp.get("/faqs/<int:item_id>/revisions")
@token_required
def revisions(item_id: int):
    who = actor()
    require(who.role in REVIEWERS)
    with platform().database.transaction(write=False) as session:
        item = items.get(session, item_id, who.role)
        found = items.revisions(session, item)
        answer = []
        for revision, previous in zip(found, [*found[1:], None]):
            answer.append({
                "id": revision.id, "version": revision.version, "action": revision.action,
                "action_label": ACTIONS.get(revision.action, revision.action), "actor": revision.actor,
                "at": revision.at.isoformat(), "snapshot": revision.snapshot,
                "changes": [{"field": c.field, "label": c.label, "before": c.before, "after": c.after}
                            for c in changes(previous.snapshot if previous else None, revision.snapshot)]})
    return jsonify({"items": answer})


def _search_words() -> str:
    query = request.args.get("q", "")
    if not query.strip():
        raise ValidationFailed([FieldError("q", "検索する言葉を q に指定してください。")], status=400)
    return query


def _search_session() -> str | None:
    session_id = request.args.get("session")
    if session_id is not None and not logs.valid_session(session_id):
        raise ValidationFailed([FieldError("session", "session は英数字・_・- の8〜64文字です。")], status=400)
    return session_id


@bp.get("/faqs/search")
@token_required
def search_items():
    who = actor()
    require(who.role in READERS)
    query, session_id, limit, offset = every_field_checked(_search_words, _search_session,
                                                           lambda: int_arg("limit", 20, 1, MAX_LIMIT),
                                                           lambda: int_arg("offset", 0, 0, 100000))
    with platform().database.transaction() as session:
        found = search.search(session, query, who.role, session_id, limit=limit, offset=offset, listed_only=True)
        body = {"items": [{"id": i.id, "faq_id": items.faq_id(i.number), "question": i.question,
                           "published": i.published, "audience": i.audience, "use_count": i.use_count}
                          for i in found.items],
                "total": found.total, "session": found.session}
    return jsonify(body)


@bp.post("/faqs/<int:item_id>/used")
@token_required
def used(item_id: int):
    who = actor()
    require(who.role in USERS)
    body = json_body()
    session_id = body.get("session")
    if not isinstance(session_id, str) or not logs.valid_session(session_id):
        raise ValidationFailed([FieldError("session", "検索で受け取った session（英数字・_・- の8〜64文字）を指定してください。")])
    with platform().database.transaction() as session:
        item = items.get(session, item_id, who.role)
        logs.record_use(session, session_id, item)
        count = item.use_count
    return jsonify({"id": item_id, "use_count": count})


@bp.get("/faqs/export.csv")
@token_required
def export_csv():
    require(actor().role in REVIEWERS)
    with platform().database.transaction(write=False) as session:
        data = csv_io.export(session)
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="faq-{csv_io.stamp()}.csv"'})


