"""Parse a set of BPMN/DMN sources into per-process specs, collecting every problem.

BPMN goes through SpiffWorkflow's parser; DMN through engine.dmn (OkuyamiBpmnParser compiles it and gives
business rule tasks our decision engine)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from ..dmn.bpmn import OkuyamiBpmnParser
from ..dmn.model import DmnModel
from .problems import ModelSource, Problem
from .xml import BPMN_NS, UnsafeOrInvalidXml, model_kind, parse_model_xml


@dataclass
class ParsedProcess:
    process_id: str
    name: str
    file: str
    spec: object
    subprocess_specs: dict
    files: set[str] = field(default_factory=set)
    lanes: dict[str, str] = field(default_factory=dict)
    """lane name -> lane element id"""
    declared_roles: dict[str, str] = field(default_factory=dict)
    """lane name -> the role its `role` property names (as the editor writes it), for lanes that have one"""


@dataclass
class ParsedModels:
    processes: dict[str, ParsedProcess] = field(default_factory=dict)
    decision_files: dict[str, str] = field(default_factory=dict)
    """decision id or decision table id -> file name"""
    dmn_models: dict[str, DmnModel] = field(default_factory=dict)
    """DMN file name -> its compiled model (with the problems the DMN compiler found)"""
    roots: dict[str, etree._Element] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


ROLE_PROPERTY = "role"
"""A lane's extension property naming its role; the model editor writes it (the lane's name is the fallback)."""
_ELEMENT_REPR = re.compile(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>")


def _spiff_problem(file: str, exc: Exception, code: str = "parse") -> Problem:
    if isinstance(exc, ValidationException):
        detail = _ELEMENT_REPR.sub(r"<\1>", str(exc).strip().rstrip("."))
        return Problem(exc.file_name or file, exc.id or None, f"モデルを解釈できません: {detail}", code)
    return Problem(file, None, f"モデルを解釈できません ({type(exc).__name__}: {exc})", code)


def _role_property(lane: etree._Element) -> str | None:
    """The lane's `role` property (spiffworkflow:property name="role"), or None when it has none or it is blank."""
    for prop in lane.iterfind(f"{{{BPMN_NS}}}extensionElements/{{*}}properties/{{*}}property"):
        if prop.get("name") == ROLE_PROPERTY and (prop.get("value") or "").strip():
            return prop.get("value").strip()
    return None


def parse_sources(sources: list[ModelSource]) -> ParsedModels:
    result = ParsedModels()
    parser = OkuyamiBpmnParser(validator=VALIDATOR)
    bpmn_files: list[str] = []
    for source in sources:
        try:
            root = parse_model_xml(source.content)
        except UnsafeOrInvalidXml as exc:
            line = f"（{exc.line}行目）" if exc.line else ""
            result.problems.append(Problem(source.name, None, f"XML として読み込めません{line}: {exc}", "xml"))
            continue
        kind = model_kind(root)
        if kind is None:
            result.problems.append(Problem(source.name, None,
                                           "BPMN 2.0 でも DMN でもないファイルです（ルート要素の名前空間を確認してください）",
                                           "kind"))
            continue
        result.roots[source.name] = root
        try:
            if kind == "bpmn":
                parser.add_bpmn_xml(root, filename=source.name)
                bpmn_files.append(source.name)
            else:
                parser.add_dmn_xml(root, filename=source.name, content=source.content)
        except Exception as exc:  # noqa: BLE001 - a foreign model may break the parser in any way; report it.
            result.problems.append(_spiff_problem(source.name, exc))

    result.dmn_models = dict(parser.dmn_models)
    for file_name, model in parser.dmn_models.items():
        for decision_id in model.decisions:
            result.decision_files[decision_id] = file_name
        for table_id in model.table_ids():
            result.decision_files[table_id] = file_name

    executable_by_file: dict[str, list[str]] = {name: [] for name in bpmn_files}
    for process_id in parser.get_process_ids():
        process_parser = parser.process_parsers[process_id]
        executable_by_file.setdefault(process_parser.filename, []).append(process_id)
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
        except Exception as exc:  # noqa: BLE001
            result.problems.append(_spiff_problem(process_parser.filename, exc))
            continue
        files = {process_parser.filename, *(s.file for s in subprocess_specs.values() if getattr(s, "file", None))}
        lanes, declared_roles = {}, {}
        for lane in process_parser.node.iterfind(f".//{{{BPMN_NS}}}lane"):
            lane_name = lane.get("name") or lane.get("id")
            lanes[lane_name] = lane.get("id")
            role = _role_property(lane)
            if role is not None:
                declared_roles[lane_name] = role
        result.processes[process_id] = ParsedProcess(
            process_id=process_id, name=process_parser.get_name() or process_id, file=process_parser.filename,
            spec=spec, subprocess_specs=subprocess_specs, files=files, lanes=lanes, declared_roles=declared_roles,
        )

    for file_name, process_ids in executable_by_file.items():
        if not process_ids and not any(p.file == file_name for p in result.problems):
            result.problems.append(Problem(
                file_name, None,
                '実行可能なプロセスがありません（process 要素に isExecutable="true" が必要です）', "not_executable"))
    return result
