"""An image a form template prints (`{{ survey.qr }}`): PNG bytes and the printed width. The context carries it as
plain data (it crosses into the bounded rendering process); the renderer turns it into docxtpl's InlineImage of the
document being filled."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocxImage:
    png: bytes
    width_mm: float

    def __str__(self) -> str:
        return ""
