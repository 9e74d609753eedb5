"""The purge: what has outlived its retention period (months per kind, processes/administration/retention.py) is
deleted, and each run is recorded per kind (how many rows, up to which moment; never the data), both as a
`purge_records` row and as an audit entry (`retention.purged`).

Every kind is purged here (processes/operations/purge_kinds.py) except call recordings, which their own worker job
deletes with the recording files (processes/calls/recordings.py). The audit log goes last, so that the entries this
run writes are never its own victims; its run keeps the hash of the last deleted link as the chain's new anchor."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.runtime import audit
from processes.administration.retention import KINDS, retention_months
from processes.operations import purge_kinds
from processes.operations.models import PurgeRecord


@dataclass(frozen=True)
class PurgeResult:
    kind: str
    label: str
    count: int
    up_to: datetime


def months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


PURGERS: dict[str, Callable[[Session, datetime, bool], int]] = {
    "case_personal_data": purge_kinds.case_personal_data,
    "print_packets": purge_kinds.print_packets,
    "contact_records": purge_kinds.contact_records,
    "contact_callbacks": purge_kinds.contact_callbacks,
    "faq_search_logs": purge_kinds.faq_search_logs,
    "staff_sessions": purge_kinds.staff_sessions,
    "notifications": purge_kinds.notifications,
    "survey_answers": purge_kinds.survey_answers,
    "public_requests": purge_kinds.public_requests,
    "report_files": purge_kinds.report_files,
}
PURGED_ELSEWHERE = {"call_recordings": "通話録音の削除ジョブ（ワーカー）が録音ファイルとともに削除します"}


def _record(session: Session, kind: str, count: int, up_to: datetime, now: datetime, actor: str,
            anchor: str | None = None) -> None:
    session.add(PurgeRecord(kind=kind, deleted=count, up_to=up_to, at=now, actor=actor, anchor_hash=anchor))
    audit.record(session, actor, "retention.purged", detail={"kind": kind, "rows": count, "up_to": up_to.isoformat()})


def purge(session: Session, actor: str, dry_run: bool = False, now: datetime | None = None) -> list[PurgeResult]:
    now = now or utcnow()
    results = []
    for kind, purger in PURGERS.items():
        up_to = months_before(now, retention_months(session, kind))
        count = purger(session, up_to, dry_run)
        results.append(PurgeResult(kind, KINDS[kind].label, count, up_to))
        if not dry_run:
            _record(session, kind, count, up_to, now, actor)
    up_to = months_before(now, retention_months(session, "audit_log"))
    count, anchor = purge_kinds.audit_log(session, up_to, dry_run)
    results.append(PurgeResult("audit_log", KINDS["audit_log"].label, count, up_to))
    if not dry_run:
        _record(session, "audit_log", count, up_to, now, actor, anchor)
    session.flush()
    return results


def not_purged_here() -> list[tuple[str, str]]:
    return [(KINDS[kind].label, why) for kind, why in PURGED_ELSEWHERE.items()]
