"""Builds templates/fax_reply.docx, the FAX reply sheet (A4, 明朝 body, ゴシック title), for docxtpl:

    .venv/bin/python -m processes.callcentre.fax_template

Its fields are those of replies.fax_context; no personal data is printed (the sheet answers a question)."""
from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from processes.callcentre.replies import FAX_TEMPLATE

MINCHO, GOTHIC = "ＭＳ 明朝", "ＭＳ ゴシック"


def _font(run, family: str, size: float) -> None:
    run.font.name, run.font.size = family, Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), family)


def _paragraph(document, text: str, family: str = MINCHO, size: float = 10.5, align=None, bold=False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    _font(run, family, size)
    run.bold = bold
    if align is not None:
        paragraph.alignment = align
    return paragraph


def build() -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    _paragraph(document, "{{ reply_date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "ＦＡＸ回答書", GOTHIC, 18, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _paragraph(document, "お問い合わせいただいた件について、次のとおり回答いたします。")
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    for row, (label, field) in enumerate((("受付番号", "{{ number }}"), ("受付日", "{{ received_on }}"),
                                          ("分類", "{{ category }}"), ("お問い合わせの内容", "{{ question }}"))):
        for column, text in enumerate((label, field)):
            cell = table.rows[row].cells[column]
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), GOTHIC if column == 0 else MINCHO, 10.5)
        table.rows[row].cells[0].width, table.rows[row].cells[1].width = Cm(4), Cm(13)
    _paragraph(document, "")
    _paragraph(document, "回答", GOTHIC, 12, bold=True)
    _paragraph(document, "{{ answer }}")
    _paragraph(document, "")
    _paragraph(document, "{{ centre }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "{{ centre_contact }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


if __name__ == "__main__":
    FAX_TEMPLATE.parent.mkdir(exist_ok=True)
    FAX_TEMPLATE.write_bytes(build())
