"""The warm LibreOffice converter pool: converts, embeds only Noto faces for ＭＳ 明朝/ゴシック, recycles converters,
replaces a hung one within a bounded wait, and says in Japanese when LibreOffice is missing."""
import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from engine.documents.converter_pool import ConverterPool, PoolSettings
from engine.documents.errors import ConversionFailed, ConverterUnavailable
from engine.documents.pdf import merge_pdfs, page_count
from tests.document_support import pdf_fonts, pdf_text


def docx_in(font: str, text: str) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = font
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_without_libreoffice_the_pool_says_why_in_japanese():
    pool = ConverterPool(PoolSettings(soffice="/nonexistent/soffice"))
    with pytest.raises(ConverterUnavailable) as missing:
        pool.convert(docx_in("ＭＳ 明朝", "テスト"))
    assert "LibreOffice" in missing.value.user_message and ".docx" in missing.value.user_message


@pytest.mark.slow
def test_ms_mincho_and_gothic_come_out_as_embedded_noto_faces():
    with ConverterPool(PoolSettings(size=1)) as pool:
        pdfs = [pool.convert(docx_in("ＭＳ 明朝", "川崎 太郎 令和8年11月20日")),
                pool.convert(docx_in("ＭＳ ゴシック", "おくやみコーナー"))]
    assert "川崎太郎令和8年11月20日" in pdf_text(pdfs[0])
    fonts = pdf_fonts(pdfs[0]) + pdf_fonts(pdfs[1])
    assert fonts and all(embedded == "yes" for _name, embedded in fonts)
    families = {name.split("+", 1)[-1].split("-")[0] for name, _embedded in fonts}
    assert families == {"NotoSerifCJKjp", "NotoSansCJKjp"}
    assert page_count(merge_pdfs(pdfs)) == 2


@pytest.mark.slow
def test_a_converter_is_recycled_after_its_quota_of_conversions():
    with ConverterPool(PoolSettings(size=1, max_conversions=2)) as pool:
        for number in range(5):
            assert f"文書{number}" in pdf_text(pool.convert(docx_in("ＭＳ 明朝", f"文書{number}")))
        assert pool.recycled == 2


@pytest.mark.slow
def test_a_hung_converter_is_killed_and_replaced_within_the_bounded_wait():
    with ConverterPool(PoolSettings(size=1, convert_timeout=0.001)) as pool:
        pool.start()
        with pytest.raises(ConversionFailed):
            pool.convert(docx_in("ＭＳ 明朝", "止まる"))
        assert pool.restarted == 2          # the first converter and its replacement, both killed
        pool.settings = PoolSettings(size=1)  # LibreOffice answers in time again
        assert "動く" in pdf_text(pool.convert(docx_in("ＭＳ 明朝", "動く")))
