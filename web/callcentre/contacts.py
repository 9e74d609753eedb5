"""Contact records for operators, supervisors and auditors: search with filters and pages, one record with what
it consulted (FAQ items, earlier contacts, a case) and its inquiry, corrections, soft deletion, CSV export
(supervisors and admins, audited) and the FAX reply sheet."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.documents.errors import ConverterUnavailable
from engine.runtime import audit
from processes.callcentre.access import DELETERS, EXPORTERS, READERS, RECORDERS
from processes.callcentre.contacts import (
    booking_candidates,
    correct_contact,
    delete_contact,
    load_contact,
    voice_of,
)
from processes.callcentre.export import export_csv
from processes.callcentre.replies import fax_reply_pdf
from processes.callcentre.search import all_matching, read_filters, search_contacts
from processes.callcentre.vocabulary import (
    AGE_BANDS,
    CHANNELS,
    COMPLETED_IN_CENTRE,
    COUNTERPARTS,
    GENDERS,
    INQUIRY_STATES,
    OUTCOMES,
    SATISFACTION,
    VOICE_KINDS,
)
from processes.calls.recordings import recordings_of_call
from processes.departments import DEPARTMENTS
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.callcentre.form_input import field_errors
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("contacts", __name__, template_folder="templates")
LABELS = {"channels": CHANNELS, "counterparts": COUNTERPARTS, "outcomes": OUTCOMES, "genders": GENDERS,
          "age_bands": AGE_BANDS, "satisfaction": SATISFACTION, "voice_kinds": VOICE_KINDS,
          "states": INQUIRY_STATES, "departments": DEPARTMENTS, "completed": COMPLETED_IN_CENTRE}
FILTER_KEYS = ("from", "to", "channel", "counterpart_type", "category", "outcome", "operator", "q", "case_id")


@bp.get("/callcentre/contacts")
@roles_required(*(READERS | EXPORTERS))
def index():
    filters = read_filters(request.args)
    errors = {e.field: e.message for e in filters.errors}
    page = None
    if page_actor().role in READERS and not errors:
        with platform().database.transaction(write=False) as session:
            page = search_contacts(session, filters)
            session.expunge_all()
    kept = {k: v for k, v in request.args.items() if k in FILTER_KEYS and v}
    return render_template("callcentre/contacts.html", page=page, errors=errors, args=request.args, kept=kept,
                           may_export=page_actor().role in EXPORTERS, may_read=page_actor().role in READERS,
                           wards={c: w.name for c, w in load_wards().items()}, **LABELS), 400 if errors else 200


@bp.get("/callcentre/contacts/export.csv")
@roles_required(*EXPORTERS)
def export():
    filters = read_filters(request.args)
    if filters.errors:
        flash("検索条件に誤りがあるため、書き出せません。", "error")
        return redirect(url_for("contacts.index", **request.args))
    who = page_actor()
    with platform().database.transaction() as session:
        text, count = export_csv(session, all_matching(session, filters))
        audit.record(session, who.username, "contacts.exported",
                     detail={"count": count, "filters": sorted(k for k in request.args if k in FILTER_KEYS)})
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="contacts.csv"',
                             "Content-Type": "text/csv; charset=utf-8"})


def _page(contact_id: int, errors: dict | None = None, status: int = 200):
    who = page_actor()
    with platform().database.transaction(write=False) as session:
        record = load_contact(session, who, contact_id)
        voice = voice_of(session, record)
        candidates = [(c.id, c.created_at) for c in booking_candidates(session, record)] if who.role in RECORDERS else []
        recordings = recordings_of_call(session, who, record.call_id)
        session.expunge_all()
    editable = who.role in RECORDERS
    return render_template("callcentre/contact.html", record=record, voice=voice, errors=errors or {},
                           candidates=candidates, recordings=recordings,
                           editable=editable, deletable=who.role in DELETERS,
                           wards={c: w.name for c, w in load_wards().items()}, **LABELS), status


@bp.get("/callcentre/contacts/<int:contact_id>")
@roles_required(*READERS)
def show(contact_id: int):
    return _page(contact_id)


@bp.post("/callcentre/contacts/<int:contact_id>/correct")
@roles_required(*RECORDERS)
def correct(contact_id: int):
    changes = {key: request.form.get(key, "").strip() for key in ("category", "question", "answer")
               if key in request.form}
    p = platform()
    try:
        with p.database.transaction() as session:
            _, warnings = correct_contact(session, page_actor(), contact_id, changes)
    except ValidationFailed as exc:
        flash("訂正できませんでした。各項目のメッセージを確認してください。", "error")
        return _page(contact_id, field_errors(exc), 422)
    flash("応対履歴を訂正しました。", "success")
    for warning in warnings:
        flash(warning["message"], "warning")
    return redirect(url_for("contacts.show", contact_id=contact_id))


@bp.post("/callcentre/contacts/<int:contact_id>/case")
@roles_required(*RECORDERS)
def link_case(contact_id: int):
    """Link the case booked from this call (the booking and the contact then point at each other)."""
    raw = request.form.get("case_id", "").strip()
    p = platform()
    try:
        with p.database.transaction() as session:
            correct_contact(session, page_actor(), contact_id, {"case_id": int(raw) if raw.isascii() and raw.isdigit()
                                                                and len(raw) < 11 else raw})
    except ValidationFailed as exc:
        flash("案件と関連付けられませんでした。", "error")
        return _page(contact_id, field_errors(exc), 422)
    flash(f"案件番号 {raw} と関連付けました。", "success")
    return redirect(url_for("contacts.show", contact_id=contact_id))


@bp.post("/callcentre/contacts/<int:contact_id>/delete")
@roles_required(*DELETERS)
def delete(contact_id: int):
    with platform().database.transaction() as session:
        delete_contact(session, page_actor(), contact_id)
    flash(f"応対番号 {contact_id} を削除しました（集計からも除外されます）。", "success")
    return redirect(url_for("contacts.index"))


@bp.get("/callcentre/contacts/<int:contact_id>/fax-reply.pdf")
@roles_required(*RECORDERS)
def fax_reply(contact_id: int):
    who = page_actor()
    with platform().database.transaction() as session:
        record = load_contact(session, who, contact_id, RECORDERS)
        audit.record(session, who.username, "contact.fax_reply_printed", detail={"contact_id": record.id})
        try:
            pdf = fax_reply_pdf(record)
        except ConverterUnavailable:
            flash("PDF を作成する変換サービスが利用できません。管理者に連絡してください。", "error")
            return redirect(url_for("contacts.show", contact_id=contact_id))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="fax-reply-{contact_id}.pdf"'})
