"""Decisions without BPMN: for the public navi and the CLI. Compiled models are cached by content hash, so a DMN
file is parsed and compiled once per process however often it is evaluated or loaded."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from lxml import etree

from .errors import DecisionError, DmnCompileError
from .evaluate import evaluate_decision
from .model import Decision, DmnModel
from .parser import parse_dmn
from .shapes import as_record

_CACHE_SIZE = 128
_cache: OrderedDict[str, DmnModel] = OrderedDict()
_lock = threading.Lock()


def compiled_model(content: bytes, file: str = "<dmn>", root: etree._Element | None = None) -> DmnModel:
    """The compiled model of a DMN file's bytes, from the cache when the same bytes were compiled before."""
    key = hashlib.sha256(content).hexdigest()
    with _lock:
        model = _cache.get(key)
        if model is not None:
            _cache.move_to_end(key)
            return model
    model = parse_dmn(content, file, root)
    with _lock:
        model = _cache.setdefault(key, model)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return model


@dataclass(frozen=True)
class DecisionInfo:
    id: str
    name: str
    variable: str
    kind: str
    """table or literal (expression)"""
    hit_policy: str | None
    required: tuple[str, ...]


class DecisionService:
    """Evaluate the decisions of one DMN file.

        service = DecisionService.from_xml(Path("dmn/procedure_selection.dmn").read_bytes())
        service.evaluate("procedure_selection", {"has_pension": "yes", "age": 70})
        # -> [{"procedure": "JU03"}, {"procedure": "NK01"}]  (COLLECT: one dict per matched rule)
    """

    def __init__(self, model: DmnModel):
        if model.problems:
            raise DmnCompileError(model.file, model.problems)
        self.model = model

    @classmethod
    def from_xml(cls, content: bytes, name: str = "<dmn>") -> "DecisionService":
        """Raises DmnCompileError (every problem, in Japanese) if the file is not a usable DMN model."""
        return cls(compiled_model(content, name))

    @classmethod
    def from_file(cls, path: str | Path) -> "DecisionService":
        path = Path(path)
        return cls.from_xml(path.read_bytes(), path.name)

    @property
    def decisions(self) -> list[DecisionInfo]:
        return [DecisionInfo(d.id, d.name, d.variable, "table" if d.table else "literal",
                             d.table.policy_name if d.table else None, d.required_decisions)
                for d in self.model.decisions.values()]

    def decision(self, ref: str) -> Decision:
        found = self.model.decision(ref)
        if found is None:
            raise DecisionError(f"no decision {ref!r} in {self.model.file}",
                                user_message=f"判定「{ref}」はこの DMN ファイルにありません。")
        return found

    def evaluate(self, decision: str, inputs: Mapping) -> dict | list[dict]:
        """The decision's outputs as JSON-friendly values: {output: value}, or a list of those for a table
        that collects (COLLECT without aggregation, RULE ORDER, OUTPUT ORDER)."""
        found = self.decision(decision)
        return as_record(found, evaluate_decision(self.model, found, inputs))

    def evaluate_raw(self, decision: str, inputs: Mapping):
        """The decision's result as a FEEL value (Decimal numbers, dates, contexts), as the DMN TCK states it."""
        found = self.decision(decision)
        return evaluate_decision(self.model, found, inputs)
