"""The whole print packet through LibreOffice: once the pre-checks are done the job makes one PDF with the
guidance sheet first and every form the case needs, each printing the family's names, address and 和暦 dates,
in embedded Noto faces only."""
import io

import pytest
from pypdf import PdfReader

from engine.documents.converter_pool import ConverterPool, PoolSettings
from processes.documents.jobs import refresh_packets
from processes.documents.models import CasePacket
from processes.documents.packets import packet_view
from tests.case_support import book, precheck_everything
from tests.document_support import pdf_fonts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pool():
    with ConverterPool(PoolSettings(size=2)) as warm:
        yield warm


def test_the_packet_is_one_pdf_of_the_guidance_sheet_and_every_form_with_the_familys_data(case_runtime, database,
                                                                                           pool):
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, pool) == 1
    view = packet_view(database, case_runtime, case.id)
    assert view.state == "ready" and view.has_pdf
    with database.transaction(write=False) as session:
        pdf = session.get(CasePacket, case.id).pdf
    pages = ["".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= len(view.forms)
    assert "ご案内票" in pages[0] and "川崎太郎様" in pages[0]
    assert any("住民異動届" in page for page in pages) and any("委任状" in page for page in pages)
    forms = [page for page in pages if "（あて先）" in page]
    assert len(forms) == len(view.forms) - 1                      # one page per form after the guidance sheet
    for page in forms:
        assert "川崎太郎" in page                                     # the deceased
        assert "令和8年11月20日" in page                              # the date of death, 和暦
    assert sum("横浜市港北区日吉2-8-14" in page for page in forms) == len(forms)   # the applicant's address
    fonts = pdf_fonts(pdf)
    assert all(embedded == "yes" and name.split("+", 1)[-1].startswith(("NotoSerifCJK", "NotoSansCJK"))
               for name, embedded in fonts)
