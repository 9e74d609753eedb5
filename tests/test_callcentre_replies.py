"""Answers go back on the channel they came in on: an e-mail answer through the notification outbox (the address
encrypted there and nowhere else), a FAX answer as a printable A4 reply sheet (docx → PDF)."""
from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from processes.callcentre.export import safe_cell
from processes.callcentre.models import ContactRecord
from processes.callcentre.replies import fax_reply_docx
from processes.notifications.models import OutboxMessage
from tests.callcentre_support import contact

ADDRESS = "sakura.demo@example.jp"


def test_an_email_question_is_answered_through_the_outbox(api, database):
    response = api.post("/contacts", "op", contact(channel="web_form", reply_email=ADDRESS))
    assert response.status_code == 201 and response.get_json()["reply_channel"] == "email"
    with database.transaction(write=False) as session:
        [message] = session.scalars(select(OutboxMessage)).all()
        assert message.recipient.decode() == ADDRESS and "予約に必要" in message.body.decode()
        assert "お問い合わせへの回答" in message.subject and ADDRESS not in message.subject
        stored = " ".join(str(v) for r in session.scalars(select(ContactRecord)) for v in vars(r).values())
    assert ADDRESS not in stored
    bad = api.post("/contacts", "op", contact(reply_email="not-an-address"))
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["field"] == "reply_email"


def test_a_fax_question_gets_a_reply_sheet_with_the_answer_in_wareki(api, database):
    record = api.post("/contacts", "op", contact(channel="fax", question="葬祭費の申請書を送ってほしい。",
                                                 answer="申請書は区役所保険年金課の窓口でお渡しします。")).get_json()
    assert record["reply_channel"] == "fax"
    with database.transaction(write=False) as session:
        sheet = Document(io.BytesIO(fax_reply_docx(session.get(ContactRecord, record["id"]))))
    text = "\n".join(p.text for p in sheet.paragraphs) + "\n".join(c.text for t in sheet.tables for r in t.rows
                                                                   for c in r.cells)
    assert "ＦＡＸ回答書" in text and "令和8年11月24日" in text and "申請書は区役所保険年金課の窓口でお渡しします。" in text
    assert "葬祭費の申請書を送ってほしい。" in text and "{{" not in text


@pytest.mark.slow
def test_the_fax_reply_sheet_prints_as_an_a4_pdf(api):
    from pypdf import PdfReader

    record = api.post("/contacts", "op", contact(channel="fax")).get_json()
    response = api.get(f"/contacts/{record['id']}/fax-reply.pdf", "op")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(response.get_data())).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - 595) < 3 and abs(height - 842) < 3              # A4 in points
    assert "回答書" in page.extract_text()
    assert api.get(f"/contacts/{record['id']}/fax-reply.pdf", "auditor").status_code == 403


def test_cells_that_spreadsheets_would_run_are_defused():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx", "普通の文", None, 12)] == \
        ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "普通の文", "", "12"]
