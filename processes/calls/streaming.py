"""Folding a long queue_log in runs of lines and giving out each call as soon as no later line can change it, so
that the database stores the first calls while the rest are still being folded (a year of a busy centre is
500,000 lines; PostgreSQL inserts on its own core).

A call is given out once it has ended more than ACW_AFTER_CALL_WITHIN before the last line folded (no ACW pause can
be folded onto it any more), no ACW pause is open on it and it was not transferred (a transfer may be followed by
the call's completion). Lines are in time order in a queue_log; a line that names a call given out starts a new,
headless call, which the importer counts as already stored."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from processes.calls.queue_log import (
    ACW_AFTER_CALL_WITHIN,
    ENDED_AT,
    ENTERED_AT,
    OUTCOME,
    TRANSFERRED,
    Fold,
    finish_fold,
    fold_run,
    fold_text_run,
)

RUN = 20_000
"""Lines folded between two looks for calls to give out."""


def _final(fold: Fold) -> list[tuple[str, list]]:
    if fold.last_at is None:
        return []
    horizon = fold.last_at - ACW_AFTER_CALL_WITHIN
    acw_open = {id(opened[1]) for opened in fold.acw.values() if opened is not None and opened[1] is not None}
    final = [(call_id, call) for call_id, call in fold.calls.items()
             if call[OUTCOME] is not None and call[ENTERED_AT] is not None and call[ENDED_AT] < horizon
             and not call[TRANSFERRED] and id(call) not in acw_open]
    calls, last_ended = fold.calls, fold.last_ended
    for call_id, _ in final:
        del calls[call_id]
    for agent, call in list(last_ended.items()):
        if call[ENDED_AT] < horizon:
            del last_ended[agent]
    return final


def fold_in_runs(lines: list[str], fold: Fold, first_line_number: int = 1) -> Iterator[tuple[str, list]]:
    """(call id, call) of every call with an ENTERQUEUE in `lines`, each once no later line can change it; `fold`
    keeps the rest (calls without an ENTERQUEUE, the agent events to keep, malformed lines) when done."""
    return fold_in_parts((lines[start:start + RUN] for start in range(0, len(lines), RUN)), fold, first_line_number)


def fold_in_parts(parts: Iterable[list[str] | str], fold: Fold, first_line_number: int = 1) -> Iterator[tuple[str, list]]:
    """fold_in_runs of the lines the parts give one after another: each part a list of lines (without their
    breaks) or a text of whole lines."""
    number = first_line_number
    for part in parts:
        if isinstance(part, str):
            number += fold_text_run(part, number, fold)
        else:
            fold_run(part, number, fold)
            number += len(part)
        yield from _final(fold)
    finish_fold(fold)
    remaining = [(call_id, call) for call_id, call in fold.calls.items() if call[ENTERED_AT] is not None]
    for call_id, _ in remaining:
        del fold.calls[call_id]
    yield from remaining
