"""What people call a form template: the title in the .docx's own properties (File > Properties > Title in Word;
the repository's templates carry the form's name there), so the studio names 「委任状」, not `ininjo.docx`. A
version uploaded without a title keeps the title of the repository's file; a template with neither is named by
its file name."""
from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from sqlalchemy.orm import Session

from engine.errors import NotFound
from processes.documents.templates import current_template, repository_template

_CORE = "docProps/core.xml"
_TITLE = "{http://purl.org/dc/elements/1.1/}title"


def docx_title(content: bytes) -> str:
    """The title of a .docx's core properties ("" when it has none or cannot be read); a title spaced out letter by
    letter, as forms print it, is closed up."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            root = ElementTree.fromstring(archive.read(_CORE))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return ""
    element = root.find(_TITLE)
    parts = (element.text or "").split() if element is not None else []
    return "".join(parts) if all(len(part) == 1 for part in parts) else "　".join(parts)   # 「委　任　状」 → 委任状


_TITLES: dict[str, str] = {}
"""Titles by content hash: a version's content never changes, so its title is read once."""


def _title_of(template) -> str:
    if template.content_hash not in _TITLES:
        _TITLES[template.content_hash] = docx_title(template.content)
    return _TITLES[template.content_hash]


def template_title(session: Session, name: str) -> str:
    """The current version's title, else the repository file's, else the file name (`ininjo.docx`)."""
    try:
        title = _title_of(current_template(session, name))
    except NotFound:
        title = ""
    if not title:
        repository = repository_template(name)
        title = _title_of(repository) if repository is not None else ""
    return title or f"{name}.docx"
