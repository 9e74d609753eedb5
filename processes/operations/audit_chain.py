"""The tamper-evident audit trail: every audit entry linked to the one before by a hash.

`seal` links the entries not linked yet (the worker runs it every few minutes, `okuyami audit verify` first);
`verify` recomputes the chain over a period and names the first entry whose link no longer matches: an entry
changed, removed or inserted after it was sealed breaks its own link and every one after it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry
from processes.operations.models import AuditChainLink, PurgeRecord

TOKYO = ZoneInfo("Asia/Tokyo")
GENESIS = "0" * 64


def canonical(entry: AuditEntry, previous_hash: str) -> str:
    """The exact text an entry's link hashes (the auditor's CSV carries it, so a period can be checked offline)."""
    return json.dumps({
        "id": entry.id, "at": entry.at.astimezone(TOKYO).isoformat(), "actor": entry.actor, "action": entry.action,
        "instance_id": entry.instance_id, "task_id": entry.task_id, "before": entry.before_digest,
        "after": entry.after_digest, "detail": entry.detail or {}, "previous": previous_hash,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(entry: AuditEntry, previous_hash: str) -> str:
    return hashlib.sha256(canonical(entry, previous_hash).encode("utf-8")).hexdigest()


def seal(session: Session) -> int:
    """Links every entry not linked yet, in id order; returns how many were linked."""
    last = session.scalars(select(AuditChainLink).order_by(AuditChainLink.audit_id.desc()).limit(1)).first()
    previous, after_id = (last.entry_hash, last.audit_id) if last else (chain_anchor(session), 0)
    linked = 0
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.id > after_id).order_by(AuditEntry.id)):
        digest = entry_hash(entry, previous)
        session.add(AuditChainLink(audit_id=entry.id, day=entry.at.astimezone(TOKYO).date(),
                                   previous_hash=previous, entry_hash=digest))
        previous = digest
        linked += 1
    session.flush()
    return linked


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    """The id of the first audit entry whose link does not match, or None when the chain is whole."""
    broken_day: date | None
    reason: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def chain_anchor(session: Session) -> str:
    """The hash the oldest remaining link follows: the last link an audit-log purge deleted, or the genesis."""
    anchor = session.scalar(select(PurgeRecord.anchor_hash).where(PurgeRecord.kind == "audit_log",
                                                                  PurgeRecord.anchor_hash.is_not(None))
                            .order_by(PurgeRecord.id.desc()).limit(1))
    return anchor or GENESIS


def _tokyo_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TOKYO)


def verify(session: Session, start: date | None = None, end: date | None = None) -> ChainReport:
    """Recomputes the chain over the days from `start` to `end` (inclusive, Asia/Tokyo; default all)."""
    links = select(AuditChainLink).order_by(AuditChainLink.audit_id)
    entries = select(AuditEntry).order_by(AuditEntry.id)
    previous = chain_anchor(session)
    if start is not None:
        links = links.where(AuditChainLink.day >= start)
        entries = entries.where(AuditEntry.at >= _tokyo_start(start))
        anchor = session.scalars(select(AuditChainLink).where(AuditChainLink.day < start)
                                 .order_by(AuditChainLink.audit_id.desc()).limit(1)).first()
        previous = anchor.entry_hash if anchor else chain_anchor(session)
    if end is not None:
        links = links.where(AuditChainLink.day <= end)
        entries = entries.where(AuditEntry.at < _tokyo_start(end + timedelta(days=1)))
    by_id = {entry.id: entry for entry in session.scalars(entries)}
    checked = 0
    for link in session.scalars(links):
        entry = by_id.pop(link.audit_id, None)
        if entry is None:
            return ChainReport(checked, link.audit_id, link.day, "監査記録が削除されています")
        if link.previous_hash != previous:
            return ChainReport(checked, link.audit_id, link.day, "前の記録とのつながりが一致しません")
        if entry_hash(entry, previous) != link.entry_hash:
            return ChainReport(checked, link.audit_id, link.day, "記録の内容が封印後に変更されています")
        previous = link.entry_hash
        checked += 1
    sealed_up_to = session.scalar(select(func.max(AuditChainLink.audit_id))) or 0
    inserted = sorted(i for i in by_id if i <= sealed_up_to)
    if inserted:
        entry = session.get(AuditEntry, inserted[0])
        return ChainReport(checked, inserted[0], entry.at.astimezone(TOKYO).date(),
                           "封印済みの期間に記録が追加されています")
    return ChainReport(checked, None, None, "")


def chain_of(session: Session, ids: list[int]) -> dict[int, AuditChainLink]:
    """The links of the given audit entries (the auditor's CSV prints them beside each entry)."""
    if not ids:
        return {}
    wanted = set(ids)
    return {link.audit_id: link for link in session.scalars(
        select(AuditChainLink).where(AuditChainLink.audit_id.between(min(ids), max(ids)))) if link.audit_id in wanted}
