"""A report as an Excel workbook (openpyxl): a cover sheet, then one sheet per section; the figures are numbers with
a number format (a ratio is a number formatted as a percentage, never text), and each chart of the layout is a
native Excel chart over the table's own cells, so the city can re-use both."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from processes.reports.layout import Chart, Document, Table

NUMBER_FORMATS = {"int": "#,##0", "pct": "0.0%", "num": "0.0", "score": "0.00", "min": '0.0"分"', "sec": '0.0"秒"'}
HEADER = PatternFill("solid", fgColor="DDE7F3")
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    name = SHEET_NAME.sub("・", title)[:28] or "表"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name}{n}", n + 1
    used.add(candidate)
    return candidate


def _chart(sheet, chart: Chart, table: Table, header_row: int, last_row: int, anchor: str) -> None:
    made = LineChart() if chart.kind == "line" else BarChart()
    made.title = chart.title
    made.height, made.width = 7.5, 16
    for column in chart.series:
        data = Reference(sheet, min_col=column + 1, min_row=header_row, max_row=last_row)
        made.add_data(data, titles_from_data=True)
    made.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row))
    if chart.percent:
        made.y_axis.number_format = "0%"
    made.y_axis.delete = False
    made.x_axis.delete = False
    sheet.add_chart(made, anchor)


def _table(sheet, table: Table, row: int) -> int:
    sheet.cell(row=row, column=1, value=table.title).font = Font(bold=True, size=12)
    header_row = row + 1
    for column, name in enumerate(table.columns, start=1):
        cell = sheet.cell(row=header_row, column=column, value=name)
        cell.font, cell.fill = Font(bold=True), HEADER
    for offset, values in enumerate(table.rows):
        for column, value in enumerate(values):
            cell = sheet.cell(row=header_row + 1 + offset, column=column + 1, value=value)
            fmt = table.format_of(offset, column)
            if fmt in NUMBER_FORMATS and isinstance(value, int | float):
                cell.number_format = NUMBER_FORMATS[fmt]
            elif value is None:
                cell.value = "データなし" if fmt not in ("min", "sec") else "—"
    last_row = header_row + len(table.rows)
    chart_column = get_column_letter(len(table.columns) + 2)
    for number, chart in enumerate(table.charts):
        _chart(sheet, chart, table, header_row, last_row, f"{chart_column}{row + number * 16}")
    height = max(len(table.rows) + 3, 16 * len(table.charts) + 1)
    return row + height


def workbook(document: Document) -> bytes:
    book = Workbook()
    cover = book.active
    cover.title = "表紙"
    cover["A1"] = document.title
    cover["A1"].font = Font(bold=True, size=16)
    cover["A2"] = document.period
    cover["A2"].font = Font(size=13)
    cover["A4"] = "おくやみコーナー・予約コールセンター"
    for number, section in enumerate(document.sections, start=6):
        cover.cell(row=number, column=1, value=section.title)
    cover.column_dimensions["A"].width = 48
    used = {"表紙"}
    for section in document.sections:
        sheet = book.create_sheet(_sheet_title(section.title, used))
        sheet["A1"] = section.title
        sheet["A1"].font = Font(bold=True, size=14)
        row = 3
        if section.text is not None:
            sheet["A3"] = section.text
            sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions["A"].width = 100
            sheet.row_dimensions[3].height = max(30, 15 * (section.text.count("\n") + 1))
            continue
        for table in section.tables:
            row = _table(sheet, table, row)
        sheet.column_dimensions["A"].width = 34
        for column in range(2, 12):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    out = BytesIO()
    book.save(out)
    return out.getvalue()
