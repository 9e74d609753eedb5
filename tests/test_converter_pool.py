"""The warm LibreOffice converter pool: converts, embeds only Noto faces for ＭＳ 明朝/ゴシック, recycles converters,
replaces a hung one within a bounded wait, and says in Japanese when LibreOffice is missing."""
import io
import json
import os
import time
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from engine.documents.converter import Converter
from engine.documents.converter_pool import SYSTEM_PYTHON, ConverterPool, PoolSettings
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


def processes_in_session(session_id: int) -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if int(fields[3]) == session_id:
            found.append(name)
    return found


@pytest.mark.slow
def test_a_converter_whose_owner_dies_mid_conversion_leaves_no_libreoffice_running(tmp_path):
    converter = Converter(SYSTEM_PYTHON, "soffice", tmp_path, "orphan")
    converter.start(timeout=60)
    session = converter.process.pid
    source = tmp_path / "form.docx"
    source.write_bytes(docx_in("ＭＳ 明朝", "所有者が消える"))
    converter.process.stdin.write((json.dumps({"source": str(source), "target": str(tmp_path / "form.pdf")}) + "\n")
                                  .encode())
    converter.process.stdin.flush()
    assert "soffice.bin" in processes_in_session(session)
    # the worker that owned it is killed: its ends of both pipes close while LibreOffice is still converting
    os.close(converter.process.stdout.fileno())
    converter.process.stdin.close()
    converter.process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while processes_in_session(session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_in_session(session) == []
