"""Word and PDF documents for the document tests: a docx made of paragraphs, and a PDF's text and fonts read with
poppler's pdftotext and pdffonts."""
from __future__ import annotations

import io
import subprocess

from docx import Document


def docx_with(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without white space (pdftotext puts spaces between Japanese and digits)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return "".join(text.split())


def pdf_fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font in the PDF."""
    lines = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode().splitlines()
    return [(line.split()[0], line.split()[-5]) for line in lines[2:] if line.strip()]
