"""Every XML the system reads (BPMN, DMN, the parts of a docx) is refused if it declares a DTD.

Decided by parsers, not by searching bytes: a UTF-16 document, or a DOCTYPE after a long comment, hides the
declaration from a byte search but not from a parser. An expat parser (defusedxml's rule, without its element
tree: only the declaration handlers are set, so a model of 10,000 elements is read at C speed) stops at the DOCTYPE
itself, before any entity is declared or used (lxml would first fail on the entity amplification with a less
helpful message); lxml's document info is checked after its own parse as well. Neither resolves an entity, loads a DTD or
opens a network connection.
"""
from __future__ import annotations

import zipfile
from xml.parsers import expat

from lxml import etree

DTD_REFUSED = "DOCTYPE・ENTITY 宣言（DTD）を含む XML は受け付けません（外部ファイルの読み込みや実体の展開を防ぐため）"


class DtdRefused(ValueError):
    """The document declares a DTD (internal subset, external reference or a bare DOCTYPE)."""

    def __init__(self, part: str | None = None):
        super().__init__(DTD_REFUSED if part is None else f"{DTD_REFUSED}: {part}")
        self.part = part


def hardened_parser(**options) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, **options)


def refuse_dtd(tree: etree._ElementTree | etree._Element, part: str | None = None) -> None:
    info = (tree.getroottree() if isinstance(tree, etree._Element) else tree).docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None or info.system_url:
        raise DtdRefused(part)


def refuse_declared_dtd(content: bytes, part: str | None = None) -> None:
    """DtdRefused as soon as expat meets a DOCTYPE or an entity declaration; what is not XML is left to lxml."""
    def refuse(*_declaration) -> None:
        raise DtdRefused(part)

    checker = expat.ParserCreate()
    checker.StartDoctypeDeclHandler = checker.EntityDeclHandler = checker.UnparsedEntityDeclHandler = refuse
    checker.ExternalEntityRefHandler = refuse
    try:
        checker.Parse(content, True)
    except expat.ExpatError:
        pass


def parse_without_dtd(content: bytes, parser: etree.XMLParser | None = None, part: str | None = None) -> etree._Element:
    """The document's root element; DtdRefused for a DTD, etree.XMLSyntaxError for what is not XML."""
    refuse_declared_dtd(content, part)
    root = etree.fromstring(content, parser or hardened_parser())
    refuse_dtd(root, part)
    return root


def refuse_dtd_in_package(archive: zipfile.ZipFile) -> None:
    """Each XML part of an Office package (a docx is a zip of XML parts) parsed and checked the same way."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            parse_without_dtd(archive.read(info), part=info.filename)
        except etree.XMLSyntaxError:
            continue  # python-docx reports a part that is not XML in its own words
