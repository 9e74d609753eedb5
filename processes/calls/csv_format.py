"""The plain CSV of one row per call, for exchanges that export that instead of a queue_log.

Columns (a header row, UTF-8, with or without BOM):
`call_id, queue, entered_at, answered_at, ended_at, outcome, agent, caller, transferred`.
Times are ISO 8601 (`2026-12-01 09:03:15`; without an offset they are Asia/Tokyo); `answered_at` is empty for a
call not answered; `outcome` is answered, abandoned, timeout, empty or key (empty: answered when answered_at is
given, else abandoned); `transferred` is 1/0 or true/false; `caller` the number (only its keyed hash is kept).
"""
from __future__ import annotations

import csv
from datetime import datetime

from processes.calendar.slots import JST
from processes.calls.models import ABANDONED, ANSWERED, EMPTY, KEY_PRESSED, TIMEOUT
from processes.calls.queue_log import LATEST_TIME, Fold, MalformedLine, new_call

COLUMNS = ("call_id", "queue", "entered_at", "answered_at", "ended_at", "outcome", "agent", "caller", "transferred")
OUTCOMES = {ANSWERED, ABANDONED, TIMEOUT, EMPTY, KEY_PRESSED}


def _time(row: dict, column: str, required: bool = False) -> datetime | None:
    text = (row.get(column) or "").strip()
    if not text:
        if required:
            raise MalformedLine(f"{column} がありません")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise MalformedLine(f"{column} は 2026-12-01 09:03:15 の形で書いてください") from exc
    return moment.replace(tzinfo=JST) if moment.tzinfo is None else moment


def _epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    seconds = moment.timestamp()
    if not 0.0 <= seconds < LATEST_TIME:
        raise MalformedLine("1970年より前の日時は読めません")
    return seconds


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    return None if start is None or end is None else max(0, int((end - start).total_seconds()))


def call_from_row(row: dict) -> tuple[str, list]:
    """The call's id and the call as processes.calls.queue_log folds one."""
    call_id = (row.get("call_id") or "").strip()
    if not call_id:
        raise MalformedLine("call_id がありません")
    entered, answered, ended = _time(row, "entered_at", True), _time(row, "answered_at"), _time(row, "ended_at")
    outcome = (row.get("outcome") or "").strip().lower() or (ANSWERED if answered else ABANDONED if ended else None)
    if outcome is not None and outcome not in OUTCOMES:
        raise MalformedLine(f"outcome は {', '.join(sorted(OUTCOMES))} のいずれかです")
    transferred = (row.get("transferred") or "").strip().lower() in {"1", "true", "yes"}
    return call_id, new_call(queue=(row.get("queue") or "").strip(), entered=_epoch(entered),
                              answered=_epoch(answered), ended=_epoch(ended),
                              wait_s=_seconds(entered, answered or ended), talk_s=_seconds(answered, ended),
                              outcome=outcome, transferred=transferred,
                              agent=(row.get("agent") or "").strip() or None,
                              caller=(row.get("caller") or "").strip() or None)


def fold_csv(lines) -> Fold:
    fold = Fold()
    reader = csv.DictReader(line.lstrip("\ufeff") if i == 0 else line for i, line in enumerate(lines))
    missing = [c for c in ("call_id", "entered_at") if c not in (reader.fieldnames or [])]
    if missing:
        fold.malformed.append((1, f"見出し行に {', '.join(missing)} がありません"))
        return fold
    for row in reader:
        fold.lines += 1
        try:
            call_id, call = call_from_row(row)
            fold.calls[call_id] = call
        except MalformedLine as exc:
            fold.malformed.append((reader.line_num, str(exc)))
    return fold
