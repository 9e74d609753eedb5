"""A report as a PDF: the layout written as a Word document (python-docx, A4, Noto Sans CJK JP), its charts as
matplotlib images, turned into PDF by the warm LibreOffice converters the print packets use (fonts embedded).

The meeting pack (定例報告会資料) is the same month laid out like slides: A4 landscape, one table with its chart per
page, for the monthly meeting with the ward departments."""
from __future__ import annotations

from io import BytesIO

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from processes.reports.charts import FONT_NAME, chart_png
from processes.reports.layout import Document, Table, shown

ORGANISATION = "おくやみコーナー・予約コールセンター"


def _fonts(word) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        try:
            style = word.styles[name]
        except KeyError:
            continue
        if style.font is None:
            continue
        style.font.name = FONT_NAME
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT_NAME)
    word.styles["Normal"].font.size = Pt(9.5)


def _page(word, landscape: bool) -> None:
    section = word.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _table(word, table: Table) -> None:
    grid = word.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns):
        cell.text = name
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for number, values in enumerate(table.rows):
        cells = grid.add_row().cells
        for column, value in enumerate(values):
            cells[column].text = shown(value, table.format_of(number, column))
    if not table.rows:
        word.add_paragraph("データなし")


def _charts(word, table: Table, width_mm: float, size: tuple[float, float]) -> None:
    for chart in table.charts:
        word.add_picture(BytesIO(chart_png(table, chart, size)), width=Mm(width_mm))


def report_docx(document: Document, pack: bool = False) -> bytes:
    word = WordDocument()
    _fonts(word)
    if pack:
        word.styles["Normal"].font.size = Pt(13)
    _page(word, landscape=pack)
    word.add_heading(document.title + ("　定例報告会資料" if pack else ""), level=0)
    word.add_paragraph(document.period)
    word.add_paragraph(ORGANISATION)
    for section in document.sections:
        if pack:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        word.add_heading(section.title, level=1)
        if section.text is not None:
            for line in section.text.splitlines() or [""]:
                word.add_paragraph(line)
            continue
        for number, table in enumerate(section.tables):
            if pack and number:
                word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                word.add_heading(section.title, level=1)
            word.add_heading(table.title, level=2)
            if pack:
                _charts(word, table, 200, (9.0, 3.6))
                _table(word, table)
            else:
                _table(word, table)
                _charts(word, table, 170, (6.4, 3.0))
    out = BytesIO()
    word.save(out)
    return out.getvalue()


def report_pdf(document: Document, pool=None, pack: bool = False) -> bytes:
    """The PDF of the document (`pool`: a ConverterPool; default the process's shared one)."""
    from engine.documents.converter_pool import shared_pool

    return (pool or shared_pool()).convert(report_docx(document, pack))
