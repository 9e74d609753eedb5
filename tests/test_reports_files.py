"""The reports as files (issue #18, 3 and 5): `okuyami reports daily|monthly|annual --format html|xlsx|pdf --out F`
and `.xlsx` / `.pdf` on GET /api/v1/reports/monthly/{YYYY-MM}. The workbook is read back with openpyxl (numbers
are numbers, the charts are native Excel charts over the table's cells), the PDF with pdftotext and pdffonts (A4,
Japanese text, fonts embedded) and its pages are drawn to PNG under test-artifacts/ for a person to look at."""
from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.settings import PROJECT_ROOT
from processes.reports.figures import annual_results, month_period, monthly_results
from tests.reports_support import family_names
from web.cli import main

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _run(city, *args):
    result = CliRunner().invoke(main, ["--instance", str(city.instance), "reports", *args])
    assert result.exit_code == 0, result.output
    return result


def _text(pdf: bytes) -> str:
    """The PDF's text without the spaces pdftotext puts between digits and kanji."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return text.replace(" ", "")


def _cells(xlsx: bytes) -> str:
    book = load_workbook(BytesIO(xlsx))
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


@pytest.fixture(scope="module")
def files(report_city, tmp_path_factory):
    """Each report in each format, written once by the command."""
    folder = tmp_path_factory.mktemp("report-files")
    made = {}
    for name, args in {"monthly": ["monthly", "--month", "2026-11"], "annual": ["annual", "--fiscal-year", "2026"],
                       "daily": ["daily", "--date", "2026-12-01"]}.items():
        for fmt in ("html", "xlsx", "pdf"):
            out = folder / f"{name}.{fmt}"
            _run(report_city, *args, "--format", fmt, "--out", str(out))
            made[name, fmt] = out.read_bytes()
    return made


def test_the_monthly_workbook_holds_the_figures_as_numbers_with_native_charts(report_city, files):
    with report_city.database.transaction(write=False) as session:
        figures = monthly_results(session, month_period(2026, 11), report_city.platform.runtime)
    book = load_workbook(BytesIO(files["monthly", "xlsx"]))
    assert book.sheetnames[0] == "表紙" and book["表紙"]["A2"].value == "令和8年11月"
    phone = book["電話（コールセンター）"]
    values = {phone.cell(row=r, column=1).value: phone.cell(row=r, column=2) for r in range(1, phone.max_row + 1)}
    assert values["着信数（受電対象）"].value == figures["offered"]
    assert values["受電応答率の目標"].value == 0.85 and values["受電応答率の目標"].number_format == "0.0%"
    contacts = book["応対履歴"]
    counts = {contacts.cell(row=r, column=1).value: contacts.cell(row=r, column=2).value
              for r in range(1, contacts.max_row + 1)}
    assert counts["応対件数"] == figures["contacts"]["total"] >= 100
    assert counts["電話"] == figures["contacts"]["by_channel"]["phone"] and isinstance(counts["電話"], int)
    charts = [chart for sheet in book.worksheets for chart in sheet._charts]
    assert len(charts) >= 8
    kinds = {type(chart).__name__ for chart in charts}
    assert {"BarChart", "LineChart"} <= kinds
    trend = book["推移"]
    [line] = trend._charts
    assert len(line.series) == 3 and "$B$" in line.series[0].val.numRef.f
    survey = book["アンケート（満足度）"]
    scores = {survey.cell(row=r, column=1).value: survey.cell(row=r, column=2).value for r in range(1, survey.max_row + 1)}
    assert scores["回答数"] == 3 and scores["おくやみコーナーの満足度（5段階）"] == 4.0


def test_the_annual_workbook_has_the_fiscal_year_month_by_month(report_city, files):
    with report_city.database.transaction(write=False) as session:
        figures = annual_results(session, 2026)
    book = load_workbook(BytesIO(files["annual", "xlsx"]))
    assert book["表紙"]["A2"].value == "令和8年度"
    months = book["月別の実績"]
    column = [months.cell(row=r, column=1).value for r in range(5, 17)]
    assert column[0] == "令和8年4月" and column[-1] == "令和9年3月"
    december = {months.cell(row=4, column=c).value: months.cell(row=13, column=c).value for c in range(1, 12)}
    assert december["月"] == "令和8年12月" and december["着信数"] == figures["months"][8]["offered"] == 7
    assert len(months._charts) == 2


def test_no_family_name_in_any_file_and_the_pdfs_are_a4_japanese_with_embedded_fonts(report_city, files):
    names = family_names()
    ARTIFACTS.mkdir(exist_ok=True)
    for (name, fmt), content in files.items():
        text = content.decode("utf-8") if fmt == "html" else _text(content) if fmt == "pdf" else _cells(content)
        assert not [n for n in names if n in text], (name, fmt)
        if fmt != "pdf":
            continue
        reader = PdfReader(BytesIO(content))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)       # A4 portrait in points
        fonts = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
        assert "NotoSansCJK" in fonts and " no " not in fonts.split("NotoSansCJK", 1)[1].splitlines()[0][:60]
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", "-", str(ARTIFACTS / f"report-{name}")],
                       input=content, check=True)
    monthly = _text(files["monthly", "pdf"])
    assert "月次業務実績" in monthly and "令和8年11月" in monthly and "受電応答率" in monthly and "2026-11" not in monthly
    assert "年次業務実績・履行状況" in _text(files["annual", "pdf"]) and "令和8年度" in _text(files["annual", "pdf"])
    assert "業務日誌" in _text(files["daily", "pdf"]) and "令和8年12月1日（火）" in _text(files["daily", "pdf"])


def test_the_api_serves_the_month_as_xlsx_and_pdf(report_city):
    xlsx = report_city.api.get("/reports/monthly/2026-12.xlsx", "auditor")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "report-monthly-2026-12.xlsx" in xlsx.headers["Content-Disposition"]
    assert load_workbook(BytesIO(xlsx.data))["表紙"]["A2"].value == "令和8年12月"
    pdf = report_city.api.get("/reports/monthly/2026-12.pdf", "po")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "令和8年12月" in _text(pdf.data)
    assert report_city.api.get("/reports/monthly/2026-12.pdf", "op").status_code == 403
    wrong = report_city.api.get("/reports/monthly/2026-12.docx", "sv")
    assert wrong.status_code in (400, 404, 422)


def test_the_annual_command_refuses_a_year_that_is_not_one(report_city, tmp_path):
    result = CliRunner().invoke(main, ["--instance", str(report_city.instance), "reports", "annual",
                                       "--fiscal-year", "R8", "--out", str(tmp_path / "a.pdf"), "--format", "pdf"])
    assert result.exit_code == 2 and "西暦4桁" in result.output
