"""The printed guidance sheet the family takes home carries the satisfaction survey: a box with its title, a QR code
image and the short address of a token issued when the packet is made (naming only the ward and the week of the
visit, never the case), answerable on the public side; a packet made without the public side's address has no box."""
from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from sqlalchemy import select

from processes.documents.jobs import refresh_packets
from processes.public.models import SurveyToken
from processes.public.survey import token_hash, week_of
from tests.case_support import VISIT, book, precheck_everything
from tests.packet_support import RecordingPool, docx_text

PUBLIC_URL = "https://okuyami.example.jp/"


def _images(docx: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]


def test_the_printed_guidance_sheet_carries_the_survey_qr_code_and_address(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, pool, public_url=PUBLIC_URL) == 1
    guidance = pool.documents[0]
    text = docx_text(guidance)
    assert "アンケートへのご協力のお願い" in text
    address = re.search(r"https://okuyami\.example\.jp/survey/([0-9A-Z]{12})", text)
    assert address is not None, text
    family_part = text.split("窓口用")[0]
    assert address.group(0) in family_part                               # on the page the family takes home
    [png] = _images(guidance)
    assert png.startswith(b"\x89PNG")
    assert len(Document(io.BytesIO(guidance)).inline_shapes) == 1        # the QR code is an inline picture
    with database.transaction(write=False) as session:
        row = session.scalars(select(SurveyToken)).one()
    assert (row.token_hash, row.ward, row.week_start, row.kind) == (
        token_hash(address.group(1)), "nakahara", week_of(VISIT.date()), "sheet")
    assert all("アンケート" not in docx_text(form) for form in pool.documents[1:])


def test_a_packet_made_without_the_public_address_has_no_survey_box(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, pool) == 1
    assert "アンケート" not in docx_text(pool.documents[0]) and not _images(pool.documents[0])
    with database.transaction(write=False) as session:
        assert session.scalars(select(SurveyToken)).first() is None
