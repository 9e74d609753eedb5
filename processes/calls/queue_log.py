"""Reading the exchange's events: Asterisk `queue_log` lines (`time|callid|queue|agent|EVENT|data1|…`) folded into
one record per call, and the agents' login, logoff, pause and unpause.

The wait counts from ENTERQUEUE (the voice guidance before the queue is not part of it) and is the exchange's own
figure when it gives one (CONNECT's holdtime, ABANDON's waittime), else the difference of the event times.

Times stay UNIX seconds (floats) here: the importer has the database turn them into timestamps, so a year of
events is folded without building a datetime per line. A malformed line changes nothing and is reported by number.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from processes.calls.models import ABANDONED, ANSWERED, EMPTY, KEY_PRESSED, TIMEOUT

AGENT_EVENTS = {"AGENTLOGIN": "login", "ADDMEMBER": "login", "AGENTLOGOFF": "logoff", "REMOVEMEMBER": "logoff",
                "PAUSE": "pause", "UNPAUSE": "unpause", "PAUSEALL": "pause", "UNPAUSEALL": "unpause"}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
# event: (outcome, index of the wait in the data fields)
GIVE_UPS = {"ABANDON": (ABANDONED, 2), "EXITWITHTIMEOUT": (TIMEOUT, 2), "EXITEMPTY": (EMPTY, 2),
            "EXITWITHKEY": (KEY_PRESSED, 3)}
CALL_EVENTS = {"ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "RINGNOANSWER"} | TRANSFERS | set(GIVE_UPS)

_ENTER, _CONNECT, _COMPLETE, _TRANSFER, _GIVE_UP, _OTHER, _AGENT = range(7)
_KINDS = {"ENTERQUEUE": _ENTER, "CONNECT": _CONNECT, "COMPLETEAGENT": _COMPLETE, "COMPLETECALLER": _COMPLETE,
          "RINGNOANSWER": _OTHER, **{e: _TRANSFER for e in TRANSFERS}, **{e: _GIVE_UP for e in GIVE_UPS},
          **{e: _AGENT for e in AGENT_EVENTS}}
LATEST_TIME = 253402300800.0
"""10000-01-01 UTC: a time at or past it (or before 1970) is not a queue_log time."""
FEW_FIELDS = "区切り（|）で5項目以上ありません"
NOT_A_TIME = "先頭が時刻（UNIX 時間の秒）ではありません"
NO_EVENT = "イベント名がありません"


class MalformedLine(ValueError):
    pass


# A call being folded is a list (a year of events folds ~3x faster than with an object per call), in this order:
QUEUE, ENTERED_AT, ANSWERED_AT, ENDED_AT, WAIT_S, TALK_S, OUTCOME, TRANSFERRED, AGENT, CALLER = range(10)
"""ENTERED_AT, ANSWERED_AT and ENDED_AT are UNIX seconds; CALLER is the caller's number, kept only in memory (the importer
stores its keyed hash)."""


def new_call(queue: str = "", entered: float | None = None, answered: float | None = None,
             ended: float | None = None, wait_s: int | None = None, talk_s: int | None = None,
             outcome: str | None = None, transferred: bool = False, agent: str | None = None,
             caller: str | None = None) -> list:
    return [queue, entered, answered, ended, wait_s, talk_s, outcome, transferred, agent, caller]


@dataclass
class Fold:
    """What a run of lines says: calls by id (in order of first sight), agent changes as (agent, kind, UNIX seconds,
    reason), bad lines as (line number, reason)."""
    calls: dict[str, list] = field(default_factory=dict)
    agents: list[tuple[str, str, float, str]] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0


def _between(start: float | None, end: float) -> int | None:
    return None if start is None else max(0, int(end - start))


def _number(parts: list[str], index: int) -> int | None:
    """The whole seconds in field `index` (counted from the line's first field); None when absent or empty."""
    text = parts[index] if index < len(parts) else ""
    if not text:
        return None
    try:
        return int(float(text))
    except (ValueError, OverflowError) as exc:
        raise MalformedLine(f"数値でない値「{text[:20]}」") from exc


def _fold(lines, first_line_number: int, fold: Fold) -> None:
    """The loop over lines without line breaks. Written for speed (a year is 500,000 lines): the numbers of a line
    are read before anything changes, so a malformed line leaves every call as it was."""
    calls, agents, malformed, kinds, agent_kinds, give_ups = fold.calls, fold.agents, fold.malformed, _KINDS, \
        AGENT_EVENTS, GIVE_UPS
    number = first_line_number - 1
    for number, line in enumerate(lines, start=first_line_number):
        parts = line.split("|")
        if len(parts) < 5:
            if line.strip():
                malformed.append((number, FEW_FIELDS))
            continue
        try:
            at = float(parts[0])
        except ValueError:
            malformed.append((number, NOT_A_TIME))
            continue
        if not 0.0 <= at < LATEST_TIME:
            malformed.append((number, NOT_A_TIME))
            continue
        event = parts[4]
        kind = kinds.get(event)
        if kind is None:
            if not event:
                malformed.append((number, NO_EVENT))
                continue
            event = event.upper()
            kind = kinds.get(event)
            if kind is None:
                continue
        if kind == _AGENT:
            agents.append((parts[3], agent_kinds[event], at,
                           parts[5][:40] if len(parts) > 5 and event.startswith("PAUSE") else ""))
            continue
        call_id = parts[1]
        if not call_id or call_id == "NONE":
            continue
        call = calls.get(call_id)
        try:
            if kind == _ENTER:
                if call is None:
                    call = calls[call_id] = [parts[2], at, None, None, None, None, None, False, None, None]
                else:
                    call[ENTERED_AT] = at
                    call[QUEUE] = parts[2] or call[QUEUE]
                if len(parts) > 6 and parts[6]:
                    call[CALLER] = parts[6]
                continue
            if call is None:
                call = [parts[2], None, None, None, None, None, None, False, None, None]
                created = True
            else:
                created = False
            if kind == _CONNECT:
                hold = _number(parts, 5)
                call[ANSWERED_AT], call[AGENT] = at, parts[3] or call[AGENT]
                call[WAIT_S] = hold if hold is not None else _between(call[ENTERED_AT], at)
            elif kind == _COMPLETE or kind == _TRANSFER:
                complete = kind == _COMPLETE
                talk = _number(parts, 6 if complete else 8)
                wait = _number(parts, 5 if complete else 7) if call[WAIT_S] is None else call[WAIT_S]
                call[ENDED_AT], call[OUTCOME], call[AGENT] = at, ANSWERED, parts[3] or call[AGENT]
                call[TALK_S] = talk if talk is not None else _between(call[ANSWERED_AT], at)
                call[TRANSFERRED] = call[TRANSFERRED] or not complete
                call[WAIT_S] = wait
            elif kind == _GIVE_UP:
                outcome, wait_index = give_ups[event]
                wait = _number(parts, 5 + wait_index)
                call[ENDED_AT], call[OUTCOME] = at, outcome
                call[WAIT_S] = wait if wait is not None else _between(call[ENTERED_AT], at)
            if created:
                calls[call_id] = call
        except MalformedLine as exc:
            malformed.append((number, str(exc)))
    fold.lines += max(0, number - first_line_number + 1)


def fold_lines(lines, first_line_number: int = 1, fold: Fold | None = None) -> Fold:
    """Fold lines (with or without their line breaks) into `fold` (a new one by default); a bad line is noted with
    its number and skipped."""
    fold = Fold() if fold is None else fold
    _fold([line.rstrip("\r\n") for line in lines], first_line_number, fold)
    return fold


def fold_text(text: str, first_line_number: int = 1, fold: Fold | None = None) -> Fold:
    """Fold a whole text of lines (a file's content, or what it grew by), the last one ending with a line break or
    not."""
    fold = Fold() if fold is None else fold
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    _fold(lines, first_line_number, fold)
    return fold


def bare_parse(lines) -> int:
    """Only splitting and reading the times (the benchmark's baseline): the number of events."""
    count = 0
    for line in lines:
        parts = line.rstrip("\n").split("|")
        if len(parts) >= 5:
            float(parts[0])
            count += 1
    return count
