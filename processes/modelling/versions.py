"""The versions of models for the library and the editors: every deployed BPMN and DMN file and the catalogue,
who deployed each version when and why, the live one, running cases per version, the content of a version and
the elements changed between two versions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import ModelFile, ProcessInstance, ProcessVersion
from engine.errors import NotFound
from engine.registry.diff import ElementRef, ModelDiff, diff_model_xml
from engine.registry.xml import UnsafeOrInvalidXml, parse_model_xml
from processes.okuyami.catalogue import validate_catalogue_text
from processes.okuyami.catalogue_store import CatalogueVersion, list_catalogue_versions, live_catalogue_version

KINDS = ("bpmn", "dmn", "catalogue")
CATALOGUE = "catalogue"


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown model kind {kind!r}")


@dataclass(frozen=True)
class ModelEntry:
    kind: str
    name: str
    title: str
    """the processes or decisions the file defines, by name (the catalogue: its version label)"""
    live_version: int | None
    versions: int
    running_cases: int | None
    """running cases on any version of it; None for the catalogue (cases read the catalogue live)"""


@dataclass(frozen=True)
class ModelVersion:
    version: int
    deployed_at: datetime
    deployed_by: str
    comment: str
    live: bool
    running_cases: int | None
    label: str = ""


def catalogue_version_number(session: Session, row: CatalogueVersion) -> int:
    """Catalogue versions are numbered by when they were first stored (ids only grow)."""
    return session.scalar(select(func.count()).select_from(CatalogueVersion).where(CatalogueVersion.id <= row.id))


def _running_by_version(session: Session) -> dict[int, int]:
    """process version id -> running cases on it"""
    return dict(session.execute(select(ProcessInstance.process_version_id, func.count())
                                .where(ProcessInstance.status == "running")
                                .group_by(ProcessInstance.process_version_id)).all())


def _running_by_file(session: Session) -> dict[int, int]:
    """model file id -> running cases on a process version built from it"""
    running = _running_by_version(session)
    counts: dict[int, int] = {}
    for version_id, file_ids in session.execute(select(ProcessVersion.id, ProcessVersion.file_ids)):
        for file_id in file_ids or ():
            counts[file_id] = counts.get(file_id, 0) + running.get(version_id, 0)
    return counts


def _titles(kind: str, content: str) -> str:
    try:
        root = parse_model_xml(content.encode("utf-8"))
    except UnsafeOrInvalidXml:
        return ""
    tag = "process" if kind == "bpmn" else "decision"
    return "、".join(e.get("name") or e.get("id") for e in root.iter(f"{{*}}{tag}") if e.get("id"))


def list_models(session: Session, kind: str | None = None) -> list[ModelEntry]:
    """Every deployed BPMN and DMN file and the catalogue, with the live version and running cases."""
    by_file = _running_by_file(session)
    files = list(session.scalars(select(ModelFile).order_by(ModelFile.name, ModelFile.version)))
    entries = []
    for name in dict.fromkeys(f.name for f in files):
        versions = [f for f in files if f.name == name]
        live = versions[-1]
        if kind not in (None, live.kind):
            continue
        entries.append(ModelEntry(live.kind, name, _titles(live.kind, live.content), live.version, len(versions),
                                  sum(by_file.get(f.id, 0) for f in versions)))
    if kind in (None, CATALOGUE):
        catalogue_rows = list_catalogue_versions(session)
        live_row = catalogue_rows[0] if catalogue_rows else None
        entries.append(ModelEntry(CATALOGUE, CATALOGUE, "手続カタログ" + (f"（{live_row.version_label}）" if live_row else ""),
                                  catalogue_version_number(session, live_row) if live_row else None,
                                  len(catalogue_rows), None))
    return entries


def model_versions(session: Session, kind: str, name: str) -> list[ModelVersion]:
    """Every version, oldest first: who deployed it, when, the comment, whether it is live, running cases."""
    check_kind(kind)
    if kind == CATALOGUE:
        rows = sorted(list_catalogue_versions(session), key=lambda r: r.id)
        live = live_catalogue_version(session)
        return [ModelVersion(n, r.deployed_at, r.deployed_by, r.comment, live is not None and r.id == live.id, None,
                             r.version_label) for n, r in enumerate(rows, start=1)]
    rows = list(session.scalars(select(ModelFile).where(ModelFile.name == name, ModelFile.kind == kind)
                                .order_by(ModelFile.version)))
    by_file = _running_by_file(session)
    return [ModelVersion(r.version, r.deployed_at, r.deployed_by, r.comment, r is rows[-1], by_file.get(r.id, 0))
            for r in rows]


def model_content(session: Session, kind: str, name: str, version: int) -> bytes:
    check_kind(kind)
    if kind == CATALOGUE:
        rows = sorted(list_catalogue_versions(session), key=lambda r: r.id)
        if not 1 <= version <= len(rows):
            raise NotFound(f"catalogue version {version} not found", user_message="指定された版は見つかりません。")
        return session.scalar(select(CatalogueVersion.content).where(CatalogueVersion.id == rows[version - 1].id)
                              ).encode("utf-8")
    content = session.scalar(select(ModelFile.content).where(ModelFile.name == name, ModelFile.kind == kind,
                                                             ModelFile.version == version))
    if content is None:
        raise NotFound(f"{name} version {version} not found", user_message="指定された版は見つかりません。")
    return content.encode("utf-8")


def _catalogue_diff(old: bytes, new: bytes) -> ModelDiff:
    before, after = validate_catalogue_text(old).procedures, validate_catalogue_text(new).procedures
    ref = lambda p: ElementRef(p.id, p.name, "procedure")  # noqa: E731
    return ModelDiff(added=[ref(p) for key, p in after.items() if key not in before],
                     removed=[ref(p) for key, p in before.items() if key not in after],
                     changed=[ref(p) for key, p in after.items() if key in before and before[key].as_dict() != p.as_dict()])


def diff_versions(session: Session, kind: str, name: str, a: int, b: int) -> ModelDiff:
    """Elements (ids and names) added, removed and changed from version a to version b."""
    old, new = model_content(session, kind, name, a), model_content(session, kind, name, b)
    return _catalogue_diff(old, new) if kind == CATALOGUE else diff_model_xml(old, new)
