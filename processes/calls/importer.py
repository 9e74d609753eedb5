"""Storing folded calls: idempotent (a call seen before is counted once; one still open is completed by the later
events), tolerant (bad lines are reported, not fatal), and able to follow a growing queue_log."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine import crypto
from engine.db.types import utcnow
from processes.calls.csv_format import fold_csv
from processes.calls.models import AgentEvent, Call, CallImportCheckpoint
from processes.calls.queue_log import Fold, fold_lines

BATCH = 2000


@dataclass
class ImportResult:
    added: int = 0
    completed: int = 0
    """Calls stored earlier while still open, now completed by later events."""
    duplicates: int = 0
    incomplete: int = 0
    """Calls of which the file holds no ENTERQUEUE and that were not stored before (a file starting mid-call)."""
    malformed: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0

    def add(self, other: ImportResult) -> None:
        self.added += other.added
        self.completed += other.completed
        self.duplicates += other.duplicates
        self.incomplete += other.incomplete
        self.malformed += other.malformed
        self.lines += other.lines


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _store_calls(session: Session, fold: Fold, result: ImportResult) -> None:
    ring = crypto.keyring()
    for chunk in _chunks(list(fold.calls.values())):
        existing = {row.call_id: row for row in session.execute(
            select(Call.call_id, Call.outcome).where(Call.call_id.in_([c.call_id for c in chunk])))}
        new_rows = []
        for call in chunk:
            values = call.values()
            before = existing.get(call.call_id)
            if before is None:
                if call.entered_at is None:
                    result.incomplete += 1
                    continue
                values["caller_hash"] = ring.blind_index(call.caller) if call.caller else None
                new_rows.append(values)
            elif before.outcome is None and call.outcome is not None:
                changes = {k: v for k, v in values.items() if v is not None and k != "call_id"}
                session.execute(update(Call).where(Call.call_id == call.call_id).values(**changes))
                result.completed += 1
            else:
                result.duplicates += 1
        if new_rows:
            session.connection().execute(insert(Call.__table__), new_rows)
            result.added += len(new_rows)


def _store_agent_events(session: Session, fold: Fold) -> None:
    unique = sorted({(a.agent, a.kind, a.at): a for a in fold.agents}.values(), key=lambda a: a.at)
    for chunk in _chunks(unique, 5000):
        seen = {tuple(row) for row in session.execute(
            select(AgentEvent.agent, AgentEvent.kind, AgentEvent.at)
            .where(AgentEvent.at >= chunk[0].at, AgentEvent.at <= chunk[-1].at))}
        rows = [{"agent": a.agent, "kind": a.kind, "at": a.at, "reason": a.reason} for a in chunk
                if (a.agent, a.kind, a.at) not in seen]
        if rows:
            session.connection().execute(insert(AgentEvent.__table__), rows)


def store_fold(session: Session, fold: Fold) -> ImportResult:
    result = ImportResult(malformed=list(fold.malformed), lines=fold.lines)
    _store_calls(session, fold, result)
    _store_agent_events(session, fold)
    return result


def import_lines(database, lines, fmt: str = "queue_log") -> ImportResult:
    """Fold and store every line in one transaction."""
    fold = fold_csv(lines) if fmt == "csv" else fold_lines(lines)
    with database.transaction() as session:
        return store_fold(session, fold)


def import_file(database, path: Path, fmt: str = "queue_log") -> ImportResult:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        return import_lines(database, handle, fmt)


def follow_file(database, path: Path, poll_seconds: float = 2.0, on_pass=None, passes: int | None = None) -> ImportResult:
    """Import what the queue_log has grown by since the checkpoint, again every `poll_seconds` (Ctrl+C stops).
    Calls still open are stored as such (the dashboard's waiting calls) and completed by later passes."""
    total, key, fold = ImportResult(), str(Path(path).resolve()), Fold()
    done = 0
    while passes is None or done < passes:
        with database.transaction() as session:
            checkpoint = session.scalar(select(CallImportCheckpoint).where(CallImportCheckpoint.path == key))
            if checkpoint is None:
                checkpoint = CallImportCheckpoint(path=key, offset=0, lines=0)
                session.add(checkpoint)
            if Path(path).stat().st_size < checkpoint.offset:
                checkpoint.offset, checkpoint.lines = 0, 0        # the file was rotated
            with open(path, "rb") as handle:
                handle.seek(checkpoint.offset)
                chunk = handle.read()
            complete = chunk[:chunk.rfind(b"\n") + 1]
            lines = complete.decode("utf-8", errors="replace").splitlines(keepends=True)
            fold.calls = {k: c for k, c in fold.calls.items() if c.outcome is None}
            fold.agents, fold.malformed, fold.lines = [], [], 0
            fold_lines(lines, first_line_number=checkpoint.lines + 1, fold=fold)
            result = store_fold(session, fold)
            checkpoint.offset += len(complete)
            checkpoint.lines += len(lines)
            checkpoint.updated_at = utcnow()
        total.add(result)
        if on_pass is not None:
            on_pass(result)
        done += 1
        if passes is None or done < passes:
            time.sleep(poll_seconds)
    return total
