"""Deploy validated models as versions and hand out specs, cached by content hash.

A deploy validates the live model set with the new files laid over it, as one whole: a changed DMN file gives
new versions of the processes that use it. Nothing is written unless every model passes. Running instances
keep the process version they started on.
"""
from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import ModelFile, ProcessVersion
from ..errors import ModelRejected, NotFound
from ..serialization import WorkflowCodec
from .checks import CheckRules, check_models
from .parsing import ParsedModels, parse_sources
from .problems import ModelSource, Problem
from .versions import VersionCache, VersionInfo

MODEL_SUFFIXES = (".bpmn", ".dmn")
_SPEC_CACHE_SIZE = 64


@dataclass
class DeployResult:
    new_versions: list[ProcessVersion] = field(default_factory=list)
    unchanged: list[ProcessVersion] = field(default_factory=list)
    files: list[ModelFile] = field(default_factory=list)


def sources_in(directories: list[Path]) -> list[ModelSource]:
    found = []
    for directory in directories:
        if directory.is_dir():
            found += [ModelSource.from_path(p) for p in sorted(directory.iterdir()) if p.suffix in MODEL_SUFFIXES]
    return found


class ModelRegistry:
    def __init__(self, rules: CheckRules, codec: WorkflowCodec | None = None):
        self.rules = rules
        self.codec = codec or WorkflowCodec()
        self._specs: OrderedDict[str, tuple] = OrderedDict()
        self._parsed: OrderedDict[tuple, tuple[ParsedModels, list[Problem]]] = OrderedDict()
        self._lock = threading.Lock()
        self.versions = VersionCache()

    # validation -------------------------------------------------------------------------------------------
    def validate(self, sources: list[ModelSource]) -> tuple[ParsedModels, list[Problem]]:
        """Parse and check a set of files; cached by the files' content hashes."""
        key = tuple(sorted((s.name, s.content_hash) for s in sources))
        with self._lock:
            if key in self._parsed:
                self._parsed.move_to_end(key)
                return self._parsed[key]
        duplicates = {s.name for s in sources if [t.name for t in sources].count(s.name) > 1}
        parsed = parse_sources([s for s in sources if s.name not in duplicates])
        problems = [Problem(name, None, "同じ名前のファイルが複数指定されています", "duplicate") for name in sorted(duplicates)]
        problems += parsed.problems + check_models(parsed, self.rules)
        with self._lock:
            self._parsed[key] = (parsed, problems)
            while len(self._parsed) > 16:
                self._parsed.popitem(last=False)
        return parsed, problems

    # deploy -----------------------------------------------------------------------------------------------
    def live_files(self, session: Session) -> list[ModelFile]:
        latest = (select(ModelFile.name, func.max(ModelFile.version).label("version"))
                  .group_by(ModelFile.name).subquery())
        rows = session.scalars(select(ModelFile).join(
            latest, (ModelFile.name == latest.c.name) & (ModelFile.version == latest.c.version)))
        return sorted(rows, key=lambda f: f.name)

    def deploy(self, session: Session, sources: list[ModelSource], actor: str, comment: str = "") -> DeployResult:
        """Validate and store; raises ModelRejected (and writes nothing) if any model in the set has a problem."""
        live = {f.name: f for f in self.live_files(session)}
        given = {s.name: s for s in sources}
        combined = [ModelSource(f.name, f.content.encode("utf-8")) for name, f in live.items() if name not in given]
        combined += list(given.values())
        parsed, problems = self.validate(combined)
        if problems:
            raise ModelRejected(problems)
        changed = [s for s in given.values() if s.name not in live or live[s.name].content_hash != s.content_hash]
        problems = [p for check in self.rules.deploy_checks for p in check(session, changed)] if changed else []
        if problems:
            raise ModelRejected(problems)

        result = DeployResult()
        file_rows: dict[str, ModelFile] = {}
        for source in combined:
            current = live.get(source.name)
            if current is not None and current.content_hash == source.content_hash:
                file_rows[source.name] = current
                continue
            row = ModelFile(name=source.name, kind=source.kind, version=(current.version + 1) if current else 1,
                            content_hash=source.content_hash, content=source.content.decode("utf-8"),
                            deployed_by=actor, comment=comment)
            session.add(row)
            file_rows[source.name] = row
            result.files.append(row)
        session.flush()

        for process in parsed.processes.values():
            blob = self.codec.dump_spec(process.spec, process.subprocess_specs)
            content_hash = hashlib.sha256(zlib.decompress(blob)).hexdigest()
            lane_roles = {lane: self.rules.lanes.role_for(lane, process.declared_roles.get(lane))
                          for lane in process.lanes}
            latest = self.latest_version(session, process.process_id)
            # A lane's role property is not part of the spec: a changed role alone is a new version too.
            if latest is not None and latest.content_hash == content_hash and latest.lane_roles == lane_roles:
                result.unchanged.append(latest)
                continue
            used_files = set(process.files) | {
                parsed.decision_files[d] for d in _decisions_used(process) if d in parsed.decision_files}
            version = ProcessVersion(
                process_id=process.process_id, version=(latest.version + 1) if latest else 1, name=process.name,
                content_hash=content_hash, spec=blob, file_ids=sorted(file_rows[n].id for n in used_files),
                lane_roles=lane_roles,
                deployed_by=actor, comment=comment)
            session.add(version)
            result.new_versions.append(version)
            self._cached_spec(content_hash, lambda blob=blob: blob)
        session.flush()
        return result

    # lookup -----------------------------------------------------------------------------------------------
    def latest_version(self, session: Session, process_id: str) -> ProcessVersion | None:
        return session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                               .order_by(ProcessVersion.version.desc()).limit(1)).first()

    def live_version(self, session: Session, process_id: str) -> ProcessVersion:
        version = self.latest_version(session, process_id)
        if version is None:
            raise NotFound(f"no deployed version of process {process_id!r}",
                           user_message=f"プロセス「{process_id}」はまだ登録されていません。")
        return version

    def list_versions(self, session: Session) -> list[ProcessVersion]:
        return list(session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_id,
                                                                    ProcessVersion.version)))

    def specs(self, version: ProcessVersion) -> tuple[object, dict]:
        """The parsed spec of a version: deserialized once, then served from memory by content hash."""
        return self._cached_spec(version.content_hash, lambda: version.spec)

    def specs_for(self, session: Session, info: VersionInfo) -> tuple[object, dict]:
        """Like `specs`, reading the stored spec only when it is not in memory yet."""
        return self._cached_spec(info.content_hash, lambda: session.scalar(
            select(ProcessVersion.spec).where(ProcessVersion.id == info.id)))

    def _cached_spec(self, content_hash: str, read_blob) -> tuple[object, dict]:
        with self._lock:
            cached = self._specs.get(content_hash)
            if cached is not None:
                self._specs.move_to_end(content_hash)
                return cached
        loaded = self.codec.load_spec(read_blob())
        with self._lock:
            self._specs[content_hash] = loaded
            while len(self._specs) > _SPEC_CACHE_SIZE:
                self._specs.popitem(last=False)
        return loaded


def _decisions_used(process) -> set[str]:
    used = set()
    for spec in [process.spec, *process.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            engine = getattr(task_spec, "dmnEngine", None)
            if engine is not None:
                used.add(engine.decision_table.id)
    return used
