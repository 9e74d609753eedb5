"""Storing folded calls: idempotent (a call seen before is counted once; one still open is completed by the later
events), tolerant (bad lines are reported, not fatal), and able to follow a growing queue_log. The rows are written
in bulk (processes/calls/bulk.py); only calls left open by an earlier import are updated one by one. An agent's
after-call work is folded onto the call it follows (processes/calls/queue_log.py)."""
from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import crypto
from engine.db.types import utcnow
from processes.calls.bulk import POSTGRESQL_EPOCH, EncodedRows, insert_agent_events, insert_calls
from processes.calls.csv_format import fold_csv
from processes.calls.file_lines import blocks_of_text, first_and_last_lines
from processes.calls.models import AgentEvent, Call, CallImportCheckpoint
from processes.calls.queue_log import (
    ACW_REASON,
    ACW_S,
    AGENT,
    ANSWERED_AT,
    CALLER,
    ENDED_AT,
    ENTERED_AT,
    LATEST_TIME,
    OUTCOME,
    QUEUE,
    TALK_S,
    TRANSFERRED,
    WAIT_S,
    Fold,
    finish_fold,
    fold_run,
    fold_text,
    text_lines,
)
from processes.calls.streaming import RUN, fold_in_parts

try:
    from processes.calls.call_rows_compiled import binary_call_rows
except ImportError:                 # not built (scripts/setup builds it): psycopg encodes the rows one by one
    binary_call_rows = None

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


def _time(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=timezone.utc)


def _any_stored(session: Session, fold: Fold) -> bool:
    """Whether a call stored before entered the queue within the moments this fold's calls entered it."""
    entered = [call[ENTERED_AT] for call in fold.calls.values() if call[ENTERED_AT] is not None]
    if not entered:
        return False
    return session.scalar(select(Call.id).where(Call.entered_at >= _time(min(entered) - 1),
                                                Call.entered_at <= _time(max(entered) + 1)).limit(1)) is not None


def _complete_open_calls(session: Session, fold: Fold, result: ImportResult, any_stored: bool) -> set[str]:
    """Calls stored earlier while still open (waiting or talking) that this fold names get what it adds; their ids."""
    open_ids = []
    entered = [call[ENTERED_AT] for call in fold.calls.values() if call[ENTERED_AT] is not None]
    if entered and any_stored:          # a call stored before has the same ENTERQUEUE moment
        open_ids += session.scalars(select(Call.call_id).where(
            Call.outcome.is_(None), Call.entered_at >= _time(min(entered) - 1), Call.entered_at <= _time(max(entered) + 1)))
    headless = [call_id for call_id, call in fold.calls.items() if call[ENTERED_AT] is None]
    for chunk in _chunks(headless):
        open_ids += session.scalars(select(Call.call_id).where(Call.call_id.in_(chunk), Call.outcome.is_(None)))
    open_ids = [call_id for call_id in set(open_ids) if call_id in fold.calls]
    for call_id in open_ids:
        call = fold.calls[call_id]
        changes = {"queue": call[QUEUE] or None, "entered_at": _time(call[ENTERED_AT]),
                   "answered_at": _time(call[ANSWERED_AT]), "ended_at": _time(call[ENDED_AT]), "wait_s": call[WAIT_S],
                   "talk_s": call[TALK_S], "outcome": call[OUTCOME], "agent": call[AGENT],
                   "transferred": call[TRANSFERRED] or None, "acw_s": call[ACW_S]}
        changes = {key: value for key, value in changes.items() if value is not None}
        if changes:
            session.execute(update(Call).where(Call.call_id == call_id).values(**changes))
        if call[OUTCOME] is not None:
            result.completed += 1
        else:
            result.duplicates += 1
    return set(open_ids)


def _call_rows(calls: Callable[[], Iterable[tuple[str, list]]], counted: list[int]):
    """The rows of the calls `calls()` gives (processes/calls/bulk.py's Rows); counted[0]: how many. For PostgreSQL,
    the binary COPY stream made in compiled code when it is built (processes/calls/call_rows_compiled.pyx)."""
    blind_index = crypto.keyring().blind_indexer()
    hashes: dict[str, str] = {}          # repeat callers are hashed once

    def tuples(postgresql: bool):
        counted[0] = count = 0
        epoch = POSTGRESQL_EPOCH if postgresql else 0.0
        scale = 1_000_000 if postgresql else 1
        for call_id, c in calls():
            count += 1
            entered, answered, ended, caller = c[ENTERED_AT], c[ANSWERED_AT], c[ENDED_AT], c[CALLER]
            if postgresql:
                entered = round((entered - epoch) * scale)
                if answered is not None:
                    answered = round((answered - epoch) * scale)
                if ended is not None:
                    ended = round((ended - epoch) * scale)
            if caller:
                hashed = hashes.get(caller)
                if hashed is None:
                    hashed = hashes[caller] = blind_index(caller)
            else:
                hashed = None
            yield (call_id, c[QUEUE], entered, answered, ended, c[WAIT_S], c[TALK_S], c[OUTCOME], c[TRANSFERRED],
                   c[AGENT], hashed, c[ACW_S])
        counted[0] = count

    def rows(postgresql: bool):
        if postgresql and binary_call_rows is not None:
            return EncodedRows(binary_call_rows(calls(), blind_index, counted, POSTGRESQL_EPOCH),
                               lambda: counted[0])
        return tuples(postgresql)
    return rows


def _count_headless(session: Session, fold: Fold, done: set[str], result: ImportResult) -> None:
    """Calls without an ENTERQUEUE in the fold, not completed here: stored before (duplicates) or incomplete."""
    headless = [call_id for call_id, call in fold.calls.items() if call[ENTERED_AT] is None and call_id not in done]
    for chunk in _chunks(headless):
        known = set(session.scalars(select(Call.call_id).where(Call.call_id.in_(chunk))))
        result.duplicates += len(known)
        result.incomplete += len(chunk) - len(known)


def _store_calls(session: Session, fold: Fold, result: ImportResult) -> None:
    if not fold.calls:
        return
    any_stored = _any_stored(session, fold)
    done = _complete_open_calls(session, fold, result, any_stored)
    _count_headless(session, fold, done, result)
    counted = [0]
    new = lambda: ((call_id, call) for call_id, call in fold.calls.items()  # noqa: E731
                   if call[ENTERED_AT] is not None and call_id not in done)
    added = insert_calls(session, _call_rows(new, counted), none_stored=not any_stored)
    result.added += added
    result.duplicates += counted[0] - added


def _moment(lines: list[str], order) -> float | None:
    for line in (lines[i] for i in order):
        try:
            return float(line.split("|", 1)[0])
        except ValueError:
            continue
    return None


def _anything_stored_near(session: Session, first_lines: list[str], last_lines: list[str]) -> bool:
    """Whether a call or a kept ACW pause is stored within a day of the moments of the first and last lines (or
    these cannot be read)."""
    first, last = _moment(first_lines, range(min(len(first_lines), 100))), \
        _moment(last_lines, range(len(last_lines) - 1, max(-1, len(last_lines) - 101), -1))
    if first is None or last is None or not 0.0 <= first <= last < LATEST_TIME - 86400:
        return True
    low, high = _time(max(0.0, first - 86400)), _time(last + 86400)
    return session.scalar(select(Call.id).where(Call.entered_at >= low, Call.entered_at <= high).limit(1)) is not None \
        or session.scalar(select(AgentEvent.id).where(AgentEvent.at >= low, AgentEvent.at <= high,
                                                       AgentEvent.kind == "pause").limit(1)) is not None


def _import_streamed(session: Session, parts: Iterable[list[str] | str]) -> ImportResult:
    """When nothing is stored near the lines' moments: the calls are folded part by part and written while the
    next part folds (processes/calls/streaming.py)."""
    folds: list[Fold] = []

    def calls():
        folds.append(Fold())
        return fold_in_parts(parts, folds[-1])
    counted = [0]
    added = insert_calls(session, _call_rows(calls, counted), none_stored=True)
    fold = folds[-1]
    result = ImportResult(added=added, duplicates=counted[0] - added, malformed=list(fold.malformed), lines=fold.lines)
    done = _complete_open_calls(session, fold, result, any_stored=False)
    _count_headless(session, fold, done, result)
    insert_agent_events(session, fold.agents, none_stored=True)
    return result


def _stored_pauses(session: Session, fold: Fold) -> frozenset:
    """ACW pauses an earlier import kept as events among those this fold folded onto calls, as (agent, moment)."""
    if fold.folded_from is None:
        return frozenset()
    moments = session.execute(select(AgentEvent.agent, AgentEvent.at).where(
        AgentEvent.kind == "pause", AgentEvent.at >= _time(fold.folded_from), AgentEvent.at <= _time(fold.folded_to),
        func.upper(AgentEvent.reason) == ACW_REASON))
    return frozenset((agent, at.timestamp()) for agent, at in moments)


def store_fold(session: Session, fold: Fold, refold: Callable[[frozenset], Fold] | None = None) -> ImportResult:
    """Store what `fold` says. When an earlier import kept as an event an ACW pause this fold folded onto a call
    (overlapping files), `refold(those pauses)` folds the same lines again keeping them, so that each stays with the
    event that ends it."""
    if refold is not None:
        stored = _stored_pauses(session, fold)
        if stored:
            fold = refold(stored)
    result = ImportResult(malformed=list(fold.malformed), lines=fold.lines)
    _store_calls(session, fold, result)
    insert_agent_events(session, fold.agents)
    return result


@contextmanager
def _no_cycle_collection():
    """A fold keeps a year's calls (100,000 lists) alive and none of them in a cycle: the collector's passes over
    them would cost a third of the import. Paused for the import (process-wide, for seconds), restored after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_queue_log(database, first_lines: list[str], last_lines: list[str],
                      parts: Callable[[], Iterable[list[str] | str]]) -> ImportResult:
    """Fold and store, in one transaction, the lines `parts()` gives (lists of lines without their breaks, or texts
    of whole lines): streamed when nothing is stored near the moments of the first and last lines, else all at once."""
    with _no_cycle_collection(), database.transaction() as session:
        if not _anything_stored_near(session, first_lines, last_lines):
            return _import_streamed(session, parts())
        lines = [line for part in parts() for line in (text_lines(part) if isinstance(part, str) else part)]

        def refold(stored: frozenset) -> Fold:
            fold = Fold()
            fold_run(lines, 1, fold, stored)
            return finish_fold(fold)
        return store_fold(session, refold(frozenset()), refold)


def import_lines(database, lines, fmt: str = "queue_log") -> ImportResult:
    """Fold and store every line in one transaction."""
    if fmt == "csv":
        fold = fold_csv(lines)
        with database.transaction() as session:
            return store_fold(session, fold)
    lines = [line.rstrip("\r\n") for line in lines]
    return _import_queue_log(database, lines[:100], lines[-100:],
                             lambda: (lines[start:start + RUN] for start in range(0, len(lines), RUN)))


def import_file(database, path: Path, fmt: str = "queue_log") -> ImportResult:
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            return import_lines(database, handle, fmt)
    first_lines, last_lines = first_and_last_lines(path)
    return _import_queue_log(database, first_lines, last_lines, lambda: blocks_of_text(path))


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
            still_open = {k: c for k, c in fold.calls.items() if c[OUTCOME] is None}
            text = complete.decode("utf-8", errors="replace")

            def refold(stored: frozenset, still_open=still_open, text=text, first=checkpoint.lines + 1) -> Fold:
                return fold_text(text, first, Fold(calls={k: list(c) for k, c in still_open.items()}), stored)
            fold = refold(frozenset())
            result = store_fold(session, fold, refold)
            checkpoint.offset += len(complete)
            checkpoint.lines += fold.lines
            checkpoint.updated_at = utcnow()
        total.add(result)
        if on_pass is not None:
            on_pass(result)
        done += 1
        if passes is None or done < passes:
            time.sleep(poll_seconds)
    return total
