"""PDF files put together: the print packet is one PDF made of several converted documents."""
from __future__ import annotations

import io
from collections.abc import Iterable

from pypdf import PdfReader, PdfWriter


def merge_pdfs(documents: Iterable[bytes]) -> bytes:
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(document: bytes) -> int:
    return len(PdfReader(io.BytesIO(document)).pages)
