"""Reading DMN TCK test files (testCases/testCase/inputNode/resultNode) and comparing results as the TCK states
them. Used by tests/test_dmn_tck.py; the TCK files themselves stay in the shared folder."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from lxml import etree

from engine.dmn import values
from engine.dmn.builtins import BUILTINS
from tests.support import SHARED

TCK_DIR = SHARED / "external" / "dmn-tck-level2"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
NUMBER_COMPARISON_PRECISION = Decimal("0.00000001")


@dataclass
class TckCase:
    id: str
    """folder/testCase id, e.g. 0105-feel-math/016"""
    model: Path
    inputs: dict = field(default_factory=dict)
    expected: dict = field(default_factory=dict)
    """decision name -> expected FEEL value"""


def _local(element) -> str:
    return etree.QName(element).localname


def _typed(element):
    if element.get(XSI_NIL) == "true":
        return None
    text = element.text or ""
    kind = (element.get(XSI_TYPE) or "xsd:string").split(":")[-1]
    if kind in ("decimal", "double", "float", "integer", "int", "long", "short"):
        return Decimal(text.strip())
    if kind == "boolean":
        return text.strip() == "true"
    if kind == "date":
        return date.fromisoformat(text.strip())
    if kind == "dateTime":
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if kind == "time":
        return time.fromisoformat(text.strip())
    if kind == "duration":
        return BUILTINS["duration"].fn(text.strip())
    return text


def value_of(node):
    """The value held by an inputNode, a component, an item or an `expected` element."""
    children = [c for c in node if isinstance(c.tag, str)]
    components = [c for c in children if _local(c) == "component"]
    if components:
        return {c.get("name"): value_of(c) for c in components}
    for child in children:
        if _local(child) == "value":
            return _typed(child)
        if _local(child) == "list":
            return [value_of(item) for item in child if isinstance(item.tag, str) and _local(item) == "item"]
    if node.get(XSI_NIL) == "true":
        return None
    raise ValueError(f"no value in <{_local(node)}>")


def load_cases(tck_dir: Path = TCK_DIR) -> list[TckCase]:
    cases = []
    for folder in sorted(p for p in tck_dir.iterdir() if p.is_dir()):
        for test_file in sorted(folder.glob("*-test-*.xml")):
            root = etree.parse(str(test_file)).getroot()
            model_name = next(c.text for c in root if isinstance(c.tag, str) and _local(c) == "modelName")
            for test_case in (c for c in root if isinstance(c.tag, str) and _local(c) == "testCase"):
                case = TckCase(f"{folder.name}/{test_case.get('id')}", folder / model_name)
                for node in test_case:
                    if not isinstance(node.tag, str):
                        continue
                    if _local(node) == "inputNode":
                        case.inputs[node.get("name")] = value_of(node)
                    elif _local(node) == "resultNode":
                        expected = next(c for c in node if isinstance(c.tag, str) and _local(c) == "expected")
                        case.expected[node.get("name")] = value_of(expected)
                cases.append(case)
    return cases


def same(actual, expected) -> bool:
    """TCK equality, as the TCK's own runners (Drools, Camunda, dmn-scala) compare numbers: equal when they differ
    by less than NUMBER_COMPARISON_PRECISION. Some expected values were printed from double arithmetic (0008 002:
    562.707359373292, where decimal128 gives 562.70735937326592...), so exact equality would test the double."""
    if type(expected) is Decimal:
        if type(actual) not in values.NUMBER_TYPES:
            return False
        return abs(Decimal(actual) - expected) < NUMBER_COMPARISON_PRECISION
    if type(expected) is list:
        return type(actual) is list and len(actual) == len(expected) and all(map(same, actual, expected))
    if type(expected) is dict:
        return isinstance(actual, dict) and actual.keys() == expected.keys() and all(
            same(actual[k], expected[k]) for k in expected)
    if expected is None or type(expected) is bool:
        return actual is expected
    return type(actual) is type(expected) and actual == expected
