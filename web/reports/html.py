"""A report as a standalone HTML document in Japanese (the file `okuyami reports ... --format html` writes): the
same layout as the XLSX and the PDF (processes/reports/layout.py), codes shown by their Japanese names, dates in
和暦 with the weekday, ratios as percentages."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from processes.reports.layout import Document, document_for, shown

TEMPLATES = Path(__file__).with_name("templates")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["report_value"] = shown
    return env


def render_document(document: Document) -> str:
    return _environment().get_template("reports/document.html").render(doc=document)


def render_report(figures: dict, texts: dict | None = None) -> str:
    """The daily log, the monthly or the annual results (figures from processes/reports/figures.py) as HTML."""
    return render_document(document_for(figures, texts))
