"""Builds the municipal form templates (docx for docxtpl) of this folder from the declarations in form_specs.py.

    .venv/bin/python forms/templates/build_templates.py      # rewrites every *.docx here

The layout follows the city's paper forms: A4, 明朝 body (ＭＳ 明朝, which the converters' fontconfig maps to Noto
Serif CJK JP), a ゴシック title, 記入欄 as ruled boxes with shaded labels, 和暦 dates, and an office-use box. The
fields in {{ … }} are those of processes/documents/fields.py; the template test refuses any other.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).parent))
from form_specs import FORMS, GUIDANCE  # noqa: E402

HERE = Path(__file__).parent
MINCHO, GOTHIC = "ＭＳ 明朝", "ＭＳ ゴシック"
WIDTH_CM = 17.0
LABEL_SHADE = "E8E8E8"


def _fonts(element, family: str) -> None:
    """Name `family` for every script (ascii, hAnsi, eastAsia, cs), dropping any theme font."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), family)


def new_document(title: str = "") -> Document:
    """An A4 document; `title` is the form's name as people say it (the core properties' title, which the studio
    shows instead of the file name)."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.4)
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), MINCHO)
    for style in document.styles:
        if style.type == 1 or style.type == 3:  # paragraph and table styles
            _fonts(style.element, MINCHO)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    core = document.core_properties
    core.author, core.comments, core.title = "川崎市", "", title
    return document


def paragraph(document_or_cell, text: str = "", *, size: float | None = None, bold: bool = False,
              align=None, gothic: bool = False, space_after: float = 0):
    p = document_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if gothic:
            _fonts(run._element, GOTHIC)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    return p


def _shade(cell, fill: str) -> None:
    properties = cell._element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _cell_text(cell, text: str, *, label: bool, size: float = 10.5) -> None:
    cell.paragraphs[0].text = ""
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    lines = text.split("\n")
    for index, line in enumerate(lines):
        p = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.font.size = Pt(9.5 if label else size)
        if label:
            p.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE if len(line) <= 7 else WD_ALIGN_PARAGRAPH.LEFT
    if label:
        _shade(cell, LABEL_SHADE)


def _row_height(row, cm: float) -> None:
    properties = row._tr.get_or_add_trPr()
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(cm * 567)))
    height.set(qn("w:hRule"), "atLeast")
    properties.append(height)


def _column_widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths (the grid and every cell), so that LibreOffice does not share the width equally."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        column = 0
        for cell in row._tr.tc_lst:
            cell.width = Cm(sum(widths_cm[column:column + cell.grid_span]))
            column += cell.grid_span


def boxes(document, title: str | None, rows: list, *, label_cm: float = 3.2, row_cm: float = 0.85) -> None:
    """A ruled table: each row is [(label, value), ...] with one or two pairs; a value may be multi-line."""
    if title:
        paragraph(document, f"■ {title}", size=10.5, gothic=True, space_after=2)
    pairs = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=pairs * 2)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    value_cm = (WIDTH_CM - pairs * label_cm) / pairs
    for row in rows:
        cells = table.add_row().cells
        _row_height(table.rows[-1], row_cm)
        for index, (label, value) in enumerate(row):
            _cell_text(cells[index * 2], label, label=True)
            _cell_text(cells[index * 2 + 1], value, label=False)
        if len(row) < pairs:  # one pair on a two-pair table: the value spans the rest of the row
            cells[len(row) * 2 - 1].merge(cells[-1])
    _column_widths(table, [label_cm if index % 2 == 0 else value_cm for index in range(pairs * 2)])
    paragraph(document, "", space_after=4)


def office_box(document) -> None:
    paragraph(document, "（以下は市の記入欄です）", size=8.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    table = document.add_table(rows=2, cols=4)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.RIGHT
    for index, label in enumerate(("受付", "確認", "入力", "決裁")):
        _cell_text(table.rows[0].cells[index], label, label=True)
        table.rows[0].cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _column_widths(table, [2.0] * 4)
    _row_height(table.rows[1], 1.6)


def header(document, form) -> None:
    paragraph(document, f"{form['form_no']}　（おくやみコーナー　案件 {{{{ case.number }}}}）", size=8,
              align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, form["title"], size=16, bold=True, gothic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    if form.get("subtitle"):
        paragraph(document, form["subtitle"], size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    paragraph(document, "{{ dates.visit or dates.blank }}", align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=4)
    paragraph(document, form["addressee"], size=11, space_after=6)
    if form.get("intro"):
        paragraph(document, form["intro"], space_after=6)


def build_form(form) -> Document:
    document = new_document(form["title"])
    header(document, form)
    for section in form["sections"]:
        boxes(document, section.get("title"), section["rows"], label_cm=section.get("label_cm", 3.2),
              row_cm=section.get("row_cm", 0.85))
    if form.get("notes"):
        paragraph(document, "注意事項", size=9, gothic=True)
        for note in form["notes"]:
            paragraph(document, f"・{note}", size=8.5)
        paragraph(document, "", space_after=4)
    office_box(document)
    return document


def build_guidance(spec) -> Document:
    document = new_document(spec["title"])
    paragraph(document, "おくやみコーナー　案件 {{ case.number }}　印刷日 {{ dates.printed }}", size=8,
              align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, spec["title"], size=18, bold=True, gothic=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    paragraph(document, spec["intro"], space_after=6)
    boxes(document, None, spec["header_rows"], label_cm=3.0)
    paragraph(document, "■ 手続の一覧", size=10.5, gothic=True, space_after=2)
    table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    widths = (5.6, 5.4, 3.0, 3.0)
    for index, label in enumerate(("手続", "窓口", "取扱い", "期限")):
        _cell_text(table.rows[0].cells[index], label, label=True)
        table.rows[0].cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    loop_start, body, loop_end = table.add_row().cells, table.add_row().cells, table.add_row().cells
    loop_start[0].paragraphs[0].text = "{%tr for p in procedures %}"
    _cell_text(body[0], "{{ p.name }}{% if p.needs_confirmation %}（{{ p.needs_confirmation }}）{% endif %}", label=False,
               size=9.5)
    _cell_text(body[1], "{{ p.counter }}", label=False, size=9)
    _cell_text(body[2], "{{ p.handling }}", label=False, size=9)
    _cell_text(body[3], "{{ p.deadline }}", label=False, size=9)
    loop_end[0].paragraphs[0].text = "{%tr endfor %}"
    _column_widths(table, list(widths))
    paragraph(document, "", space_after=4)
    paragraph(document, "■ お持ちいただくもの", size=10.5, gothic=True, space_after=2)
    paragraph(document, "{%p for item in items_to_bring %}")
    paragraph(document, "□ {{ item }}", size=9.5)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "", space_after=4)
    paragraph(document, "■ それぞれの手続について", size=10.5, gothic=True, space_after=2)
    paragraph(document, "{%p for p in procedures %}")
    paragraph(document, "{{ p.id }}　{{ p.name }}", size=10, gothic=True)
    paragraph(document, "{{ p.explanation }}", size=9)
    paragraph(document, "詳しくは {{ p.url }}", size=8.5, space_after=3)
    paragraph(document, "{%p endfor %}")
    for note in spec["notes"]:
        paragraph(document, f"・{note}", size=8.5)
    survey_box(document, spec["survey"])
    counter_page(document, spec["counter_page"])
    return document


def survey_box(document, survey) -> None:
    """The satisfaction survey on the family's sheet: its QR code beside the title, a plain request and the short
    address (a token issued for this packet). Printed only when the packet issued one."""
    paragraph(document, "{%p if survey.address %}", space_after=4)
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    qr, text = table.rows[0].cells
    qr.vertical_alignment = text.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    qr.paragraphs[0].add_run("{{ survey.qr }}")
    qr.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = text.paragraphs[0]
    run = title.add_run(survey["title"])
    run.bold, run.font.size = True, Pt(11)
    _fonts(run._element, GOTHIC)
    paragraph(text, survey["request"], size=9)
    paragraph(text, "{{ survey.address }}", size=11, bold=True)
    _column_widths(table, [3.4, 13.6])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))    # the box never splits over two pages
    paragraph(document, "{%p endif %}")


def counter_page(document, page) -> None:
    """The counter's own page after the family's sheet: what each department wrote for the corner (its note, the
    procedures it dropped with the reason, those it added). Printed only when a department wrote something; the
    clerk keeps it."""
    paragraph(document, "{%p if handovers %}")
    heading = paragraph(document, page["title"], size=14, bold=True, gothic=True, space_after=2)
    heading.paragraph_format.page_break_before = True
    paragraph(document, page["intro"], size=9, space_after=6)
    paragraph(document, "{%p for h in handovers %}")
    paragraph(document, "■ {{ h.department }}", size=10.5, gothic=True, space_after=2)
    paragraph(document, "{%p if h.note %}")
    paragraph(document, "申し送り：{{ h.note }}", size=9.5)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p for d in h.dropped %}")
    paragraph(document, "不要とした手続：{{ d.name }}（理由：{{ d.reason }}）", size=9.5)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p for a in h.added %}")
    paragraph(document, "追加した手続：{{ a.name }}{% if a.reason %}（{{ a.reason }}）{% endif %}", size=9.5)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p if h.followup %}")
    paragraph(document, "{{ h.followup }}", size=9.5)
    paragraph(document, "{%p endif %}")
    paragraph(document, "", space_after=4)
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endif %}")


def main() -> None:
    for form in FORMS:
        build_form(form).save(HERE / f"{form['name']}.docx")
    build_guidance(GUIDANCE).save(HERE / f"{GUIDANCE['name']}.docx")
    print(f"{len(FORMS) + 1} templates written to {HERE}")


if __name__ == "__main__":
    main()
