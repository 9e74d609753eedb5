"""A report's file in the format asked for: HTML, XLSX or PDF (the meeting pack: PDF laid out like slides)."""
from __future__ import annotations

from processes.reports.layout import document_for
from processes.reports.pdf import report_pdf
from processes.reports.xlsx import workbook
from web.reports.html import render_document

FORMATS = ("html", "xlsx", "pdf")
MIMETYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def report_file(figures: dict, fmt: str, texts: dict | None = None, pack: bool = False) -> bytes:
    document = document_for(figures, texts)
    if fmt == "html":
        return render_document(document).encode("utf-8")
    if fmt == "xlsx":
        return workbook(document)
    return report_pdf(document, pack=pack)


def file_name(figures: dict, fmt: str, pack: bool = False) -> str:
    """report-monthly-2026-11.xlsx (ASCII: the period and the kind, never a person)."""
    return f"report-{figures['kind']}{'-pack' if pack else ''}-{figures['period']}.{fmt}"
