"""Contact records (応対履歴) through the JSON API: record, search (paged), read, correct, delete (softly), CSV
export; the FAX reply sheet; a case's contacts; the callback details of a callback task for the person calling."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from engine.db.models import ProcessInstance
from engine.documents.errors import ConverterUnavailable
from engine.runtime import audit
from processes.callcentre.access import CALLBACK_READERS, EXPORTERS, READERS, RECORDERS
from processes.callcentre.contacts import (
    contact_view,
    correct_contact,
    delete_contact,
    load_contact,
    record_contact,
    voice_of,
)
from processes.callcentre.export import export_csv
from processes.callcentre.inquiry import callback_details
from processes.callcentre.replies import fax_reply_pdf
from processes.callcentre.search import all_matching, read_filters, search_contacts
from processes.tasks.access import check_task, not_found, require, require_id
from processes.tasks.queries import task_by_id
from web.api.support import actor, error_response, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_contacts", __name__, url_prefix="/api/v1")
register_errors(bp)
EXPORT_FILENAME = "contacts.csv"


@bp.post("/contacts")
@token_required
def create():
    body, who = json_body(), actor()
    p = platform()
    with p.database.transaction() as session:
        record, warnings = record_contact(session, p.runtime, who, body)
        view = contact_view(record, voice_of(session, record))
    return jsonify({**view, "warnings": warnings}), 201, {"Location": f"/api/v1/contacts/{view['id']}"}


@bp.get("/contacts")
@token_required
def index():
    who = actor()
    require(who.role in READERS)
    filters = read_filters(request.args)
    filters.raise_if_invalid()
    with platform().database.transaction(write=False) as session:
        page = search_contacts(session, filters)
        return jsonify({"items": [contact_view(r) for r in page.items], "total": page.total, "page": page.page,
                        "per_page": page.per_page, "pages": page.pages})


@bp.get("/contacts/export.csv")
@token_required
def export():
    who = actor()
    require(who.role in EXPORTERS)
    filters = read_filters(request.args)
    filters.raise_if_invalid()
    with platform().database.transaction() as session:
        text, count = export_csv(session, all_matching(session, filters))
        audit.record(session, who.username, "contacts.exported",
                     detail={"count": count, "filters": sorted(k for k in request.args if k not in ("page", "per_page"))})
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{EXPORT_FILENAME}"',
                             "Content-Type": "text/csv; charset=utf-8"})


@bp.get("/contacts/<int:contact_id>")
@token_required
def show(contact_id: int):
    with platform().database.transaction(write=False) as session:
        record = load_contact(session, actor(), contact_id)
        return jsonify(contact_view(record, voice_of(session, record)))


@bp.patch("/contacts/<int:contact_id>")
@token_required
def correct(contact_id: int):
    who = actor()
    with platform().database.transaction() as session:
        load_contact(session, who, contact_id, RECORDERS)
        record, warnings = correct_contact(session, who, contact_id, json_body())
        view = contact_view(record, voice_of(session, record))
    return jsonify({**view, "warnings": warnings})


@bp.delete("/contacts/<int:contact_id>")
@token_required
def delete(contact_id: int):
    with platform().database.transaction() as session:
        delete_contact(session, actor(), contact_id)
    return "", 204


@bp.get("/contacts/<int:contact_id>/fax-reply.pdf")
@token_required
def fax_reply(contact_id: int):
    who = actor()
    with platform().database.transaction() as session:
        record = load_contact(session, who, contact_id, RECORDERS)
        audit.record(session, who.username, "contact.fax_reply_printed", detail={"contact_id": record.id})
        try:
            pdf = fax_reply_pdf(record)
        except ConverterUnavailable:
            return error_response(503, "PDF を作成する変換サービスが利用できません。管理者に連絡してください。")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="fax-reply-{contact_id}.pdf"'})


@bp.get("/cases/<int:case_id>/contacts")
@token_required
def case_contacts(case_id: int):
    who = actor()
    require(who.role in READERS)
    filters = read_filters({"case_id": str(require_id(case_id)), "per_page": "200"})
    with platform().database.transaction(write=False) as session:
        if session.get(ProcessInstance, case_id) is None:
            raise not_found()
        page = search_contacts(session, filters)
        return jsonify({"items": [contact_view(r) for r in page.items], "total": page.total})


@bp.get("/tasks/<int:task_id>/callback")
@token_required
def callback(task_id: int):
    who = actor()
    require(who.role in CALLBACK_READERS)
    with platform().database.transaction() as session:
        task = task_by_id(session, require_id(task_id, "task"))
        if task is None:
            raise not_found("task")
        check_task(who, task)
        details = callback_details(session, who, task)
    if details is None:
        return error_response(404, "折り返し先はすでに削除されています（問い合わせは完了しています）。")
    return jsonify(details)
