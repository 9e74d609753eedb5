"""Every form template filled with each demo family and turned into PDF by the warm converters: the deceased's
name, the applicant's address and a 和暦 date are on the page, in embedded Noto faces only; one page is kept as
a PNG under test-artifacts/ for a person to look at."""
import subprocess
from datetime import date
from pathlib import Path

import pytest

from engine.dmn import DecisionService
from engine.documents.converter_pool import ConverterPool, PoolSettings
from engine.documents.rendering import render_docx
from engine.settings import PROJECT_ROOT
from processes.demo.cases import FAMILIES
from processes.demo.cases import _reservation as demo_reservation
from processes.documents.fields import form_context
from processes.documents.japanese import wareki
from processes.documents.templates import GUIDANCE, TEMPLATES_DIR
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.guidance import guidance_sheet
from processes.okuyami.selection import SELECTION_FILE, select_procedures
from tests.case_support import VISIT
from tests.document_support import pdf_fonts, pdf_text
from tests.packet_support import docx_text

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pool():
    with ConverterPool(PoolSettings(size=2)) as warm:
        warm.start()
        yield warm


@pytest.fixture(scope="module")
def demo_families():
    """Each demo family's case data as the booking records it (processes/demo_cases.py), with the procedures
    its interview selects, as (case number, data)."""
    families = []
    selection = DecisionService.from_file(PROJECT_ROOT / "dmn" / SELECTION_FILE)
    for number, key in enumerate(FAMILIES, start=1):
        data = demo_reservation(key, VISIT, date(2026, 11, 16))
        data["procedures"] = select_procedures(data["answers"], selection.evaluate, load_catalogue())
        families.append((number, data))
    return families


def _fields_on_page(text: str, data: dict, template_name: str) -> None:
    assert data["deceased"]["name"].replace(" ", "") in text
    assert wareki(data["date_of_death"]) in text
    if template_name == GUIDANCE:
        assert data["applicant"]["name"].replace(" ", "") in text
    else:
        assert data["applicant"]["address"].replace(" ", "") in text
    assert "None" not in text


@pytest.mark.parametrize("template", sorted(TEMPLATES_DIR.glob("*.docx")), ids=lambda p: p.stem)
def test_each_template_filled_with_the_demo_families_prints_names_addresses_and_wareki_dates(
        template, demo_families, pool):
    """Every family in the filled .docx; three families (three wards) through LibreOffice and back as text."""
    pdf_families = {data["ward"]: (case_id, data) for case_id, data in reversed(demo_families)}
    for case_id, data in demo_families:
        context = form_context(data, guidance_sheet(case_id, data), date(2026, 11, 24))
        filled = render_docx(template.read_bytes(), context)
        _fields_on_page("".join(docx_text(filled).split()), data, template.stem)
        if (case_id, data) in list(pdf_families.values())[:3]:
            _fields_on_page(pdf_text(pool.convert(filled)), data, template.stem)


def test_the_forms_use_only_embedded_noto_faces_and_a_page_is_kept_as_png(demo_families, pool):
    case_id, data = demo_families[0]
    context = form_context(data, guidance_sheet(case_id, data), date(2026, 11, 24))
    pdf = pool.convert(render_docx((TEMPLATES_DIR / "kokuho_sosaihi.docx").read_bytes(), context))
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded == "yes" for _name, embedded in fonts)
    assert all(name.split("+", 1)[-1].startswith(("NotoSerifCJK", "NotoSansCJK")) for name, _embedded in fonts)

    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / "kokuho_sosaihi"
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-", str(stem)], input=pdf, check=True)
    png = Path(f"{stem}.png")
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert abs(width / height - 210 / 297) < 0.01                      # an A4 page
