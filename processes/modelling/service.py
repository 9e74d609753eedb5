"""What the model library, the editors and the API call: validate, save drafts, deploy (examples included),
list, versions and diffs of BPMN files, DMN files and the procedure catalogue.

A model is named as the registry names its file (`okuyami_case.bpmn`, `procedure_selection.dmn`); the
catalogue is kind "catalogue", name "catalogue". Every function joins the caller's session (one transaction):
a refused deploy writes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ModelFile
from engine.errors import ModelRejected
from engine.registry import ModelRegistry, ModelSource
from engine.registry.checks import CheckRules
from engine.registry.xml import MAX_MODEL_BYTES, UnsafeOrInvalidXml, model_kind, parse_model_xml
from engine.runtime import audit
from engine.settings import PROJECT_ROOT
from processes.modelling.examples import ExampleFailure, ExampleRun, list_examples, run_examples
from processes.modelling.models import ModelDraft
from processes.modelling.versions import (  # noqa: F401 - re-exported: the editors and the library call them through this module
    CATALOGUE,
    KINDS,
    ElementRef,
    ModelDiff,
    ModelEntry,
    ModelVersion,
    catalogue_version_number,
    check_kind,
    diff_versions,
    list_models,
    model_content,
    model_versions,
)
from processes.okuyami.catalogue import validate_catalogue_text
from processes.okuyami.catalogue_store import deploy_catalogue, live_catalogue, live_catalogue_version
from processes.okuyami.catalogue_validation import CatalogueError
from processes.okuyami.selection import DECISION_ID, SELECTION_FILE
from processes.roles import lane_policy

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,150}\.(bpmn|dmn)")

__all__ = [
    "KINDS", "DeployResult", "Draft", "ElementRef", "ModelDiff", "ModelEntry", "ModelProblem", "ModelVersion",
    "deploy_model", "diff_versions", "latest_draft", "list_models", "model_content", "model_versions", "save_draft",
    "validate_model",
]


@dataclass(frozen=True)
class ModelProblem:
    """One reason a model is refused: the element at fault (None when it is the whole file) and a Japanese
    sentence. `file` names the file when the problem is in another model of the set."""

    element: str | None
    message: str
    file: str | None = None

    def as_dict(self) -> dict:
        return {"element": self.element, "message": self.message}


@dataclass(frozen=True)
class Draft:
    id: int
    kind: str
    name: str
    content: bytes
    author: str
    comment: str
    created_at: datetime


@dataclass
class DeployResult:
    ok: bool
    kind: str
    name: str
    version: int | None = None
    """The file's (or the catalogue's) version number after the deploy; None when refused."""
    unchanged: bool = False
    """The content was already the live version: nothing new was written."""
    problems: list[ModelProblem] = field(default_factory=list)
    example_failures: list[ExampleFailure] = field(default_factory=list)
    examples_run: int = 0
    process_versions: list[tuple[str, int]] = field(default_factory=list)
    """(process id, version) of every process version this deploy created"""

    def as_dict(self) -> dict:
        return {"ok": self.ok, "kind": self.kind, "name": self.name, "version": self.version,
                "unchanged": self.unchanged, "errors": [p.as_dict() for p in self.problems],
                "example_failures": [f.as_dict() for f in self.example_failures], "examples_run": self.examples_run,
                "process_versions": [{"process_id": p, "version": v} for p, v in self.process_versions]}


# -- rules ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def default_registry() -> ModelRegistry:
    """A registry with this city's rules and the repository's task forms, for validation without a platform."""
    from processes.okuyami.services import SERVICES

    forms = PROJECT_ROOT / "forms" / "tasks"
    return ModelRegistry(CheckRules(lanes=lane_policy(), form_exists=lambda name: (forms / name).is_file(),
                                    services=frozenset(SERVICES)))


def _registry(platform_or_registry) -> ModelRegistry:
    if platform_or_registry is None:
        return default_registry()
    return getattr(platform_or_registry, "registry", platform_or_registry)


# -- validation -----------------------------------------------------------------------------------------------
def _ids(root, tag: str) -> set[str]:
    return {e.get("id") for e in root.iter(f"{{*}}{tag}") if e.get("id")}


def file_name_for(session: Session | None, kind: str, content: bytes) -> str:
    """The registry file name of a model: the live file defining the same process or decision ids, else
    `<first process or decision id>.<kind>`."""
    root = parse_model_xml(content)
    tag = "process" if kind == "bpmn" else "decision"
    ids = _ids(root, tag)
    if session is not None and ids:
        for live in default_registry().live_files(session):
            if live.kind == kind:
                try:
                    if ids & _ids(parse_model_xml(live.content.encode("utf-8")), tag):
                        return live.name
                except UnsafeOrInvalidXml:
                    continue
    first = next((e.get("id") for e in root.iter(f"{{*}}{tag}") if e.get("id")), None) or root.get("id") or "model"
    stem = re.sub(r"[^A-Za-z0-9_.\-]", "_", first)[:150]
    return f"{stem}.{kind}"


def _xml_problems(kind: str, content: bytes) -> list[ModelProblem]:
    if len(content) > MAX_MODEL_BYTES:
        return [ModelProblem(None, f"ファイルが大きすぎます（上限 {MAX_MODEL_BYTES // (1024 * 1024)} MiB）。")]
    try:
        root = parse_model_xml(content)
    except UnsafeOrInvalidXml as exc:
        line = f"（{exc.line}行目）" if exc.line else ""
        return [ModelProblem(None, f"XML として読み込めません{line}: {exc}")]
    found = model_kind(root)
    if found is None:
        return [ModelProblem(None, "BPMN 2.0 でも DMN でもないファイルです（ルート要素の名前空間を確認してください）。")]
    if found != kind:
        return [ModelProblem(None, f"{kind.upper()} として送られましたが、中身は {found.upper()} です。")]
    return []


def _catalogue_problems(content: bytes) -> list[ModelProblem]:
    try:
        validate_catalogue_text(content)
    except CatalogueError as exc:
        return [ModelProblem(p.entry, p.message) for p in exc.problems]
    except UnicodeDecodeError:
        return [ModelProblem(None, "手続カタログは UTF-8 のテキストで送ってください。")]
    except yaml.YAMLError as exc:  # the YAML reader refuses control characters before the catalogue sees them
        return [ModelProblem(None, f"YAMLとして読み取れません（{exc}）。")]
    return []


def _live_sources(session: Session, registry: ModelRegistry, name: str, content: bytes) -> list[ModelSource]:
    sources = [ModelSource(f.name, f.content.encode("utf-8")) for f in registry.live_files(session) if f.name != name]
    return sources + [ModelSource(name, content)]


def validate_model(kind: str, content: bytes, *, session: Session | None = None, registry=None,
                   name: str | None = None) -> list[ModelProblem]:
    """Every problem of this model, without deploying. With a session, it is checked together with the live
    models (a BPMN file's business rule tasks find the deployed DMN); alone otherwise."""
    check_kind(kind)
    if kind == CATALOGUE:
        return _catalogue_problems(content)
    problems = _xml_problems(kind, content)
    if problems:
        return problems
    reg = _registry(registry)
    name = name or file_name_for(session, kind, content)
    sources = _live_sources(session, reg, name, content) if session is not None else [ModelSource(name, content)]
    _parsed, found = reg.validate(sources)
    return [ModelProblem(p.element, p.message if p.file == name else f"{p.file}: {p.message}",
                         None if p.file == name else p.file) for p in found]


# -- drafts ---------------------------------------------------------------------------------------------------
def _draft(row: ModelDraft) -> Draft:
    return Draft(row.id, row.kind, row.name, row.content.encode("utf-8"), row.author, row.comment, row.created_at)


def save_draft(session: Session, kind: str, name: str, content: bytes, author: str, comment: str = "") -> Draft:
    """Keep a draft (not validated: a half-finished model may be saved); the previous drafts stay."""
    check_kind(kind)
    if len(content) > MAX_MODEL_BYTES:
        raise ModelRejected([ModelProblem(None, "ファイルが大きすぎます。")], "draft too large")
    row = ModelDraft(kind=kind, name=name, content=content.decode("utf-8"), author=author, comment=comment or "")
    session.add(row)
    session.flush()
    return _draft(row)


def latest_draft(session: Session, kind: str, name: str) -> Draft | None:
    row = session.scalars(select(ModelDraft).where(ModelDraft.kind == kind, ModelDraft.name == name)
                          .order_by(ModelDraft.id.desc()).limit(1)).first()
    return _draft(row) if row is not None else None


# -- deploy ---------------------------------------------------------------------------------------------------
def _live_selection_dmn(session: Session) -> bytes | None:
    live = session.scalars(select(ModelFile).where(ModelFile.name == SELECTION_FILE)
                           .order_by(ModelFile.version.desc()).limit(1)).first()
    return live.content.encode("utf-8") if live is not None else None


def _defines_selection(content: bytes) -> bool:
    return DECISION_ID in _ids(parse_model_xml(content), "decision")


def check_examples(session: Session, *, dmn_content: bytes | None = None, catalogue_text: bytes | None = None):
    """Run every saved example against the given selection DMN and/or catalogue (the live ones otherwise)."""
    dmn = dmn_content if dmn_content is not None else _live_selection_dmn(session)
    if dmn is None:
        examples = list_examples(session)
        run = ExampleRun(total=len(examples))
        if examples:
            run.failures.append(ExampleFailure(None, "（全体）", (
                f"手続抽出の DMN（{SELECTION_FILE}）がまだ登録されていないため、例を確かめられません。",)))
        return run
    catalogue = validate_catalogue_text(catalogue_text) if catalogue_text is not None else live_catalogue(session)
    return run_examples(list_examples(session), dmn, catalogue)


def _deploy_catalogue(session: Session, content: bytes, author: str, comment: str) -> DeployResult:
    result = DeployResult(ok=False, kind=CATALOGUE, name=CATALOGUE)
    result.problems = _catalogue_problems(content)
    if result.problems:
        return result
    run = check_examples(session, catalogue_text=content)
    result.examples_run, result.example_failures = run.total, run.failures
    if not run.ok:
        result.problems = [ModelProblem(None, f.message) for f in run.failures]
        return result
    live = live_catalogue_version(session)
    row = deploy_catalogue(session, content, author, comment)
    result.ok, result.unchanged = True, live is not None and live.id == row.id
    result.version = catalogue_version_number(session, row)
    return result


def deploy_model(session: Session, platform_or_registry, kind: str, content: bytes, author: str, comment: str = "",
                 *, name: str | None = None) -> DeployResult:
    """Validate and deploy as a new version. Refused (ok False, nothing written) when the model has problems or,
    for the selection DMN and the catalogue, when a saved example fails (the failure says which answer led
    where)."""
    check_kind(kind)
    if kind == CATALOGUE:
        return _deploy_catalogue(session, content, author, comment)
    registry = _registry(platform_or_registry)
    result = DeployResult(ok=False, kind=kind, name=name or "")
    result.problems = _xml_problems(kind, content)
    if result.problems:
        return result
    result.name = name = name or file_name_for(session, kind, content)
    if not _NAME.fullmatch(name) or not name.endswith(f".{kind}"):
        result.problems = [ModelProblem(None, f"ファイル名「{name}」は使えません（英数字と _ . - 、拡張子 .{kind}）。")]
        return result
    if kind == "dmn" and _defines_selection(content):
        # A broken cell must be reported on its rule before the examples run: they would only fail without
        # naming it.
        result.problems = validate_model(kind, content, session=session, registry=registry, name=name)
        if result.problems:
            return result
        run = check_examples(session, dmn_content=content)
        result.examples_run, result.example_failures = run.total, run.failures
        if not run.ok:
            result.problems = [ModelProblem(None, f.message) for f in run.failures]
            return result
    try:  # the registry validates the whole set before it writes anything
        deployed = registry.deploy(session, [ModelSource(name, content)], actor=author, comment=comment)
    except ModelRejected as exc:
        result.problems = [ModelProblem(p.element, p.message if p.file == name else f"{p.file}: {p.message}",
                                        None if p.file == name else p.file) for p in exc.problems]
        return result
    file_row = next((f for f in deployed.files if f.name == name), None)
    if file_row is None:
        file_row = next(f for f in registry.live_files(session) if f.name == name)
        result.unchanged = True
    result.ok, result.version = True, file_row.version
    result.process_versions = [(v.process_id, v.version) for v in deployed.new_versions]
    if not result.unchanged:
        audit.record(session, author, "model.deployed", detail={
            "kind": kind, "name": name, "version": file_row.version, "comment": comment,
            "examples_run": result.examples_run, "process_versions": [list(p) for p in result.process_versions]})
    return result


