"""Hardened XML parsing for uploaded models: no entities, no network, no DTD, bounded size."""
from __future__ import annotations

from lxml import etree

MAX_MODEL_BYTES = 5 * 1024 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NAMESPACES = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
}


class UnsafeOrInvalidXml(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=False)


def parse_model_xml(content: bytes) -> etree._Element:
    if len(content) > MAX_MODEL_BYTES:
        raise UnsafeOrInvalidXml(f"ファイルが大きすぎます（上限 {MAX_MODEL_BYTES // (1024 * 1024)} MiB）")
    if b"<!DOCTYPE" in content[:4096].upper() or b"<!ENTITY" in content.upper():
        raise UnsafeOrInvalidXml("DOCTYPE・ENTITY 宣言を含むモデルは受け付けません（外部ファイルの読み込みや実体の展開を防ぐため）")
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeOrInvalidXml(exc.msg, exc.lineno) from exc
    return root


def model_kind(root: etree._Element) -> str | None:
    namespace = etree.QName(root).namespace
    if namespace == BPMN_NS:
        return "bpmn"
    if namespace in DMN_NAMESPACES:
        return "dmn"
    return None
