"""Converter pools for the packet tests that must not wait for LibreOffice: one that turns each document into a
one-page PDF and keeps the documents it was given, one whose LibreOffice is missing, one that always fails.
(The real pool is exercised by the slow tests: test_converter_pool.py, test_documents_pdf.py, test_packet_pdf.py.)"""
from __future__ import annotations

import io

from docx import Document
from pypdf import PdfWriter

from engine.documents.converter_pool import ConverterPool, PoolSettings
from engine.documents.errors import ConversionFailed

MISSING_LIBREOFFICE = PoolSettings(soffice="/nonexistent/soffice")


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_text(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


class RecordingPool:
    settings = PoolSettings(size=2)

    def __init__(self):
        self.documents: list[bytes] = []

    def check_available(self) -> None:
        pass

    def convert(self, docx: bytes) -> bytes:
        self.documents.append(docx)
        return one_page_pdf()


class FailingPool(RecordingPool):
    def convert(self, docx: bytes) -> bytes:
        raise ConversionFailed("LibreOffice crashed")


def missing_libreoffice_pool() -> ConverterPool:
    return ConverterPool(MISSING_LIBREOFFICE)
