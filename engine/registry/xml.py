"""Hardened XML parsing for uploaded models: no entities, no network, no DTD (see engine/safe_xml.py), bounded size."""
from __future__ import annotations

from lxml import etree

from ..safe_xml import DtdRefused, hardened_parser, parse_without_dtd

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


def parse_model_xml(content: bytes) -> etree._Element:
    if len(content) > MAX_MODEL_BYTES:
        raise UnsafeOrInvalidXml(f"ファイルが大きすぎます（上限 {MAX_MODEL_BYTES // (1024 * 1024)} MiB）")
    try:
        return parse_without_dtd(content, hardened_parser(remove_comments=False))
    except DtdRefused as exc:
        raise UnsafeOrInvalidXml(str(exc)) from exc
    except etree.XMLSyntaxError as exc:
        raise UnsafeOrInvalidXml(exc.msg, exc.lineno) from exc


def model_kind(root: etree._Element) -> str | None:
    namespace = etree.QName(root).namespace
    if namespace == BPMN_NS:
        return "bpmn"
    if namespace in DMN_NAMESPACES:
        return "dmn"
    return None
