"""What changed between two versions of a model.

`diff_model_xml` compares two BPMN or DMN files element by element (by id): elements added, removed, and
changed (their own attributes, text or id-less children differ; a child with an id of its own is compared
on its own, so adding a task does not also mark its process changed). Diagram interchange (shapes, edges, bounds) is left out: moving a shape changes no
behaviour.

`diff_specs` compares two parsed process versions task spec by task spec, as SpiffWorkflow aligns them; the
runtime uses it to decide whether a running instance may move to the newer version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.util.diff import SpecDiff

from .xml import parse_model_xml

_DIAGRAM_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/", "http://www.omg.org/spec/DMN/20180521/DI/",
    "http://www.omg.org/spec/DMN/20180521/DMNDI/",
)


@dataclass(frozen=True)
class ElementRef:
    id: str
    name: str
    type: str
    """the element's tag without namespace: task, userTask, exclusiveGateway, decision, rule ..."""

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type}


@dataclass
class ModelDiff:
    added: list[ElementRef] = field(default_factory=list)
    removed: list[ElementRef] = field(default_factory=list)
    changed: list[ElementRef] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def as_dict(self) -> dict:
        return {key: [e.as_dict() for e in getattr(self, key)] for key in ("added", "removed", "changed")}


def _is_diagram(element: etree._Element) -> bool:
    return etree.QName(element).namespace in _DIAGRAM_NAMESPACES


# BPMN 2.0 attribute defaults: bpmn-js leaves an attribute out when it has its default value, so "absent" and
# "default" must compare equal or every save in the editor would report those elements as changed.
_DEFAULT_ATTRIBUTES = {
    "cancelActivity": "true", "isInterrupting": "true", "parallelMultiple": "false", "isForCompensation": "false",
    "startQuantity": "1", "completionQuantity": "1", "triggeredByEvent": "false", "isSequential": "false",
    "instantiate": "false", "gatewayDirection": "Unspecified", "isClosed": "false",
}


def _own_attributes(element: etree._Element) -> list[tuple[str, str]]:
    return sorted((key, value) for key, value in element.attrib.items()
                  if _DEFAULT_ATTRIBUTES.get(etree.QName(key).localname) != value)


def _signature(element: etree._Element) -> str:
    """The element's own content: tag, attributes (defaults left out), text, and its id-less, non-diagram
    children."""
    parts = [etree.QName(element).localname, repr(_own_attributes(element)), (element.text or "").strip()]
    for child in element:
        if not isinstance(child.tag, str) or _is_diagram(child):
            continue
        if not child.get("id"):  # a child with an id is compared (added, removed, changed) on its own
            parts.append("<" + _signature(child) + ">")
    return "|".join(parts)


def _elements(root: etree._Element) -> dict[str, tuple[ElementRef, str]]:
    found: dict[str, tuple[ElementRef, str]] = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or _is_diagram(element) or element is root:
            continue
        element_id = element.get("id")
        if not element_id or any(_is_diagram(a) for a in element.iterancestors()):
            continue
        name = element.get("name") or element.get("label") or ""
        found.setdefault(element_id, (ElementRef(element_id, name, etree.QName(element).localname),
                                       _signature(element)))
    return found


def diff_model_xml(old: bytes, new: bytes) -> ModelDiff:
    before, after = _elements(parse_model_xml(old)), _elements(parse_model_xml(new))
    diff = ModelDiff()
    diff.added = [ref for key, (ref, _) in after.items() if key not in before]
    diff.removed = [ref for key, (ref, _) in before.items() if key not in after]
    diff.changed = [after[key][0] for key, (_, sig) in before.items() if key in after and after[key][1] != sig]
    return diff


def diff_specs(converter_registry, old_spec, new_spec) -> SpecDiff:
    """SpiffWorkflow's alignment of two task spec graphs (old spec -> new spec, changed attributes)."""
    return SpecDiff(converter_registry, old_spec, new_spec)
