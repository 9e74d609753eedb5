"""Answers sent back on the channel a question came in on: an e-mail through the notification outbox (sent after
the transaction commits, retried), a FAX as a printable A4 reply sheet (docx → PDF, the forms pipeline)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from engine.documents.converter_pool import ConverterPool, shared_pool
from engine.documents.rendering import render_docx
from processes.calendar.slots import JST
from processes.callcentre.models import ContactRecord
from processes.documents.japanese import wareki
from processes.notifications.outbox import enqueue

FAX_TEMPLATE = Path(__file__).with_name("templates") / "fax_reply.docx"
CENTRE = "川崎市 おくやみコーナー予約センター"
CENTRE_CONTACT = "電話 044-200-1500（平日 9時00分〜16時45分）"
MAIL_SUBJECT = "【川崎市】お問い合わせへの回答（おくやみコーナー予約センター）"


def answer_text(record: ContactRecord) -> str:
    """What the citizen is told: the department's answer once there is one, else the centre's."""
    return record.department_answer or record.answer


def email_body(record: ContactRecord) -> str:
    return (f"お問い合わせいただき、ありがとうございます。\n\n■お問い合わせの内容\n{record.question}\n\n"
            f"■回答\n{answer_text(record)}\n\nご不明な点は、下記までお問い合わせください。\n{CENTRE}\n{CENTRE_CONTACT}\n"
            f"（受付番号 {record.id}）\n")


def send_email_answer(session: Session, record: ContactRecord, address: str) -> None:
    """Queued in the caller's transaction; the address is encrypted in the outbox and kept nowhere else."""
    enqueue(session, address, MAIL_SUBJECT, email_body(record))


def fax_context(record: ContactRecord) -> dict:
    day = record.started_at.astimezone(JST).date()
    return {"centre": CENTRE, "centre_contact": CENTRE_CONTACT, "reply_date": wareki(day),
            "received_on": wareki(day), "number": str(record.id), "category": record.category,
            "question": record.question, "answer": answer_text(record)}


def fax_reply_docx(record: ContactRecord) -> bytes:
    return render_docx(FAX_TEMPLATE.read_bytes(), fax_context(record))


def fax_reply_pdf(record: ContactRecord, pool: ConverterPool | None = None) -> bytes:
    """The A4 reply sheet as PDF (raises engine.documents.errors.ConverterUnavailable without LibreOffice)."""
    return (pool or shared_pool()).convert(fax_reply_docx(record))
