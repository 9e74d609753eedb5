"""The call screen: one page for an operator during a call. The contact starts when the screen opens (or with
the phone system's call: ?call_id=&started_at=), the FAQ is searched beside it, earlier contacts of the same
category are listed, the outcome is recorded; 「通話終了」 marks the hang-up so that the after-call work is
measured until the record is saved. Keyboard first: every action has an access key, Ctrl+Enter saves."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from engine.db.types import utcnow
from processes.calendar.slots import JST
from processes.callcentre.access import RECORDERS
from processes.callcentre.contacts import record_contact
from processes.callcentre.models import ContactRecord
from processes.callcentre.vocabulary import (
    AGE_BANDS,
    CATEGORIES,
    CHANNELS,
    COUNTERPARTS,
    GENDERS,
    OUTCOMES,
    REPLY_CHANNELS,
    SATISFACTION,
    VOICE_KINDS,
)
from processes.calls.current_call import current_call
from processes.departments import CITY_DEPARTMENTS, WARD_DEPARTMENTS
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.callcentre.form_input import contact_body, field_errors
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("call_screen", __name__, template_folder="templates")
EARLIER_LIMIT = 8
FAQ_LIMIT = 8


def vocabularies() -> dict:
    return {"channels": CHANNELS, "counterparts": COUNTERPARTS, "outcomes": OUTCOMES, "genders": GENDERS,
            "age_bands": AGE_BANDS, "satisfaction": SATISFACTION, "voice_kinds": VOICE_KINDS,
            "reply_channels": REPLY_CHANNELS, "categories": CATEGORIES, "ward_departments": WARD_DEPARTMENTS,
            "city_departments": CITY_DEPARTMENTS, "wards": {c: w.name for c, w in load_wards().items()}}


def _start_time() -> str:
    given = request.args.get("started_at", "")
    try:
        moment = datetime.fromisoformat(given) if given else None
    except ValueError:
        moment = None
    moment = moment if moment is not None and moment.tzinfo is not None else utcnow()
    return moment.astimezone(JST).isoformat(timespec="seconds")


@bp.get("/callcentre/call")
@roles_required(*RECORDERS)
def show():
    values = {"channel": request.args.get("channel", "phone"), "counterpart_type": "citizen",
              "started_at": _start_time(), "call_id": request.args.get("call_id", "")[:64]}
    picked_up = False
    if not values["call_id"]:
        with platform().database.transaction(write=False) as session:
            call = current_call(session, page_actor().username, utcnow())
            if call is not None:
                values["call_id"] = call.call_id
                values["started_at"] = call.answered_at.astimezone(JST).isoformat(timespec="seconds")
                picked_up = True
    return render_template("callcentre/call.html", values=values, errors={}, faq_ids=[], related=[],
                           picked_up=picked_up, **vocabularies())


@bp.post("/callcentre/call")
@roles_required(*RECORDERS)
def save():
    body = contact_body(request.form)
    p = platform()
    try:
        with p.database.transaction() as session:
            record, warnings = record_contact(session, p.runtime, page_actor(), body)
            contact_id = record.id
    except ValidationFailed as exc:
        flash("入力内容に誤りがあります。各項目のメッセージを確認してください。", "error")
        return render_template("callcentre/call.html", values=request.form, errors=field_errors(exc),
                               faq_ids=body["faq_ids"], related=body["related_contact_ids"], **vocabularies()), 422
    flash(f"応対番号 {contact_id} を記録しました。", "success")
    for warning in warnings:
        flash(f"応対番号 {contact_id}：{warning['message']}", "warning")
    if request.form.get("then") == "booking":
        return redirect(url_for("booking.new", contact=contact_id))
    return redirect(url_for("call_screen.show"))


@bp.get("/callcentre/call/faq")
@roles_required(*RECORDERS)
def faq():
    """The FAQ search beside the call (the FAQ feature's own search, logged as operators' searches)."""
    from processes.faq.search import search

    query = request.args.get("faq_q", "").strip()
    items = []
    if query:
        with platform().database.transaction() as session:
            result = search(session, query, page_actor().role, request.args.get("faq_session"), limit=FAQ_LIMIT)
            items = [{"id": i.id, "number": i.number, "question": i.question, "answer": i.answer}
                     for i in result.items]
    return render_template("callcentre/_faq_results.html", items=items, query=query)


@bp.get("/callcentre/call/earlier")
@roles_required(*RECORDERS)
def earlier():
    category = request.args.get("category", "").strip()[:100]
    rows = []
    if category:
        with platform().database.transaction(write=False) as session:
            rows = list(session.scalars(
                select(ContactRecord).where(ContactRecord.category == category, ContactRecord.deleted_at.is_(None))
                .order_by(ContactRecord.started_at.desc(), ContactRecord.id.desc()).limit(EARLIER_LIMIT)))
            session.expunge_all()
    return render_template("callcentre/_earlier.html", rows=rows, category=category, outcomes=OUTCOMES)
