"""Running cases on older versions and moving them to the live version (the engine decides what is safe).

Each case migrates in its own transaction: in a batch, a case refused (unsafe, ended, changed meanwhile) does not
hold back the others, and each attempt is audited by the engine."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import ProcessInstance, ProcessVersion
from engine.errors import NotFound, OkuyamiError
from engine.runtime.migration import InstanceMigrator, MigrationCheck

MAX_LISTED = 200
MAX_BATCH = 200


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    name: str
    live_version: int
    running_by_version: dict[int, int]

    @property
    def behind(self) -> int:
        return sum(n for v, n in self.running_by_version.items() if v < self.live_version)


@dataclass(frozen=True)
class CaseOnOldVersion:
    instance_id: int
    version: int
    ward: str | None
    created_at: datetime
    check: MigrationCheck


@dataclass(frozen=True)
class MigrationOutcome:
    instance_id: int
    migrated: bool
    reasons: tuple[str, ...]
    from_version: int | None = None
    to_version: int | None = None


def process_summaries(session: Session) -> list[ProcessSummary]:
    latest = {}
    for row in session.scalars(select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version)):
        latest[row.process_id] = row
    counts: dict[str, dict[int, int]] = {}
    for process_id, version, count in session.execute(
            select(ProcessVersion.process_id, ProcessVersion.version, func.count(ProcessInstance.id))
            .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
            .where(ProcessInstance.status == "running").group_by(ProcessVersion.process_id, ProcessVersion.version)):
        counts.setdefault(process_id, {})[version] = count
    return [ProcessSummary(pid, row.name, row.version, counts.get(pid, {})) for pid, row in latest.items()]


def live_version_row(session: Session, process_id: str) -> ProcessVersion:
    row = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                          .order_by(ProcessVersion.version.desc()).limit(1)).first()
    if row is None:
        raise NotFound(f"no process {process_id!r}", user_message="指定されたプロセスは見つかりません。")
    return row


def cases_on_old_versions(session: Session, runtime, process_id: str) -> tuple[ProcessVersion, list[CaseOnOldVersion]]:
    """The live version and the running cases on an older one, each with the engine's check against it."""
    live = live_version_row(session, process_id)
    rows = session.execute(
        select(ProcessInstance.id, ProcessVersion.version, ProcessInstance.ward, ProcessInstance.created_at)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(ProcessInstance.process_id == process_id, ProcessInstance.status == "running",
               ProcessVersion.version < live.version)
        .order_by(ProcessInstance.id).limit(MAX_LISTED)).all()
    migrator = InstanceMigrator(runtime)
    return live, [CaseOnOldVersion(r.id, r.version, r.ward, r.created_at, migrator.check(r.id, live.id, session))
                  for r in rows]


def migrate_cases(database, runtime, process_id: str, instance_ids, actor: str) -> list[MigrationOutcome]:
    """Move each case to the live version of `process_id`, each in its own transaction."""
    ids = list(dict.fromkeys(int(i) for i in instance_ids))[:MAX_BATCH]
    with database.transaction(write=False) as session:
        target = live_version_row(session, process_id)
        target_id = target.id
        belongs = set(session.scalars(select(ProcessInstance.id).where(
            ProcessInstance.id.in_(ids), ProcessInstance.process_id == process_id)))
    migrator = InstanceMigrator(runtime)
    outcomes = []
    for instance_id in ids:
        if instance_id not in belongs:
            outcomes.append(MigrationOutcome(instance_id, False, ("この案件はこのプロセスのものではありません。",)))
            continue
        try:
            with database.transaction() as session:
                check = migrator.migrate(instance_id, target_id, actor, session)
        except OkuyamiError as exc:
            outcomes.append(MigrationOutcome(instance_id, False, (exc.user_message,)))
            continue
        outcomes.append(MigrationOutcome(instance_id, check.safe, tuple(check.reasons), check.from_version,
                                         check.to_version))
    return outcomes
