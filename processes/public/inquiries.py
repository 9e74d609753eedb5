"""The web inquiry form (お問い合わせフォーム, spec 5(4)④) on the staff side. A pulled inquiry becomes a contact record
(channel `web_form`) whose inquiry waits in the operators' worklist as the centre's callback; when the operator
completes it, the answer goes back by e-mail through the outbox (or the operator calls the number given). The reply
address is kept only in the pulled request's encrypted row, and removed once the answer is sent."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from engine.db.types import utcnow
from processes.callcentre.inquiry import CALLBACK_FORM, start_inquiry
from processes.callcentre.models import ContactCallback, ContactRecord
from processes.callcentre.replies import send_email_answer
from processes.public.inquiry_rules import problems
from processes.public.models import PublicRequest
from processes.tasks.form_rules import Completion, FormRules

CHANNEL = "web_form"
OPERATOR = "web-form"
"""The contact record's recorder: the form itself (no operator took it)."""


def receive(session, services, number: str, payload: dict) -> str | None:
    errors = problems(payload)
    if errors:
        return " / ".join(errors)
    email = payload.get("reply_email") or ""
    channel = payload.get("reply_channel") or ("email" if email else "none")
    try:
        received = datetime.fromisoformat(payload.get("received_at") or "")
    except ValueError:
        received = utcnow()
    now = utcnow()
    record = ContactRecord(
        channel=CHANNEL, counterpart_type="citizen", operator=OPERATOR, started_at=received, ended_at=received,
        wrapup_ended_at=now, category=str(payload.get("category") or "その他")[:100],
        question=payload["question"].strip(), answer="", outcome="centre_callback",
        reply_channel=channel if channel != "none" else None, faq_ids=[], related_contact_ids=[],
        handover_note=f"Webフォームからのお問い合わせ（受付番号 {number}）", closed_reason="", department_answer="",
        created_at=now, updated_at=now)
    session.add(record)
    session.flush()
    start_inquiry(session, services.runtime, OPERATOR, record, {"handover": None, "voice": None})
    if channel == "phone":
        session.add(ContactCallback(contact_id=record.id,
                                    name=(payload.get("reply_name") or "（お名前の記載なし）").encode("utf-8"),
                                    phone=payload["reply_phone"].encode("utf-8"), best_time=b""))
    reply = {"reply_email": email} if channel == "email" else {}
    session.add(PublicRequest(number=number, kind="inquiry", state="accepted", received_at=now,
                              payload=json.dumps(reply).encode("utf-8"), contact_id=record.id))
    return None


def _answer_by_email(c: Completion) -> None:
    record = c.session.scalar(select(ContactRecord).where(ContactRecord.inquiry_instance_id == c.task.instance_id))
    if record is None or record.channel != CHANNEL or record.reply_channel != "email":
        return
    request = c.session.scalar(select(PublicRequest).where(PublicRequest.contact_id == record.id,
                                                          PublicRequest.kind == "inquiry"))
    address = json.loads(request.payload or b"{}").get("reply_email") if request is not None else None
    if not address or c.data.get("result") == "unreachable":
        return
    send_email_answer(c.session, record, address)
    request.payload, request.state = json.dumps({"answered_by": "email"}).encode("utf-8"), "settled"


def register(rules: FormRules) -> None:
    rules.after_completion([CALLBACK_FORM], _answer_by_email)
