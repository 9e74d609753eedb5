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

_ENTER, _CONNECT, _COMPLETE, _TRANSFER, _GIVE_UP, _OTHER, _LOGIN, _PAUSE, _UNPAUSE, _LOGOFF = range(10)
_AGENT_KINDS = {"login": _LOGIN, "logoff": _LOGOFF, "pause": _PAUSE, "unpause": _UNPAUSE}
_KINDS = {"ENTERQUEUE": _ENTER, "CONNECT": _CONNECT, "COMPLETEAGENT": _COMPLETE, "COMPLETECALLER": _COMPLETE,
          "RINGNOANSWER": _OTHER, **{e: _TRANSFER for e in TRANSFERS}, **{e: _GIVE_UP for e in GIVE_UPS},
          **{e: _AGENT_KINDS[k] for e, k in AGENT_EVENTS.items()}}
_UNSEEN = ()
ACW_REASON = "ACW"
ACW_AFTER_CALL_WITHIN = 3600.0
"""An ACW pause is the after-call work of the agent's last call when it begins within this many seconds of its end."""
LATEST_TIME = 253402300800.0
"""10000-01-01 UTC: a time at or past it (or before 1970) is not a queue_log time."""
FEW_FIELDS = "区切り（|）で5項目以上ありません"
NOT_A_TIME = "先頭が時刻（UNIX 時間の秒）ではありません"
NO_EVENT = "イベント名がありません"
TOO_LARGE = "秒数が大きすぎます"
MAX_SECONDS = 2_147_483_647
"""The largest wait or talk a line may give (the columns are 32-bit): a larger one makes the line malformed."""


class MalformedLine(ValueError):
    pass


# A call being folded is a list (a year of events folds ~3x faster than with an object per call), in this order:
QUEUE, ENTERED_AT, ANSWERED_AT, ENDED_AT, WAIT_S, TALK_S, OUTCOME, TRANSFERRED, AGENT, CALLER, ACW_S = range(11)
"""ENTERED_AT, ANSWERED_AT and ENDED_AT are UNIX seconds; CALLER is the caller's number, kept only in memory (the importer
stores its keyed hash); ACW_S the seconds of after-call work folded onto the call (None: no ACW pause after it)."""


def new_call(queue: str = "", entered: float | None = None, answered: float | None = None,
             ended: float | None = None, wait_s: int | None = None, talk_s: int | None = None,
             outcome: str | None = None, transferred: bool = False, agent: str | None = None,
             caller: str | None = None, acw_s: int | None = None) -> list:
    return [queue, entered, answered, ended, wait_s, talk_s, outcome, transferred, agent, caller, acw_s]


@dataclass
class Fold:
    """What a run of lines says: calls by id (in order of first sight), the agent events to keep as (agent, kind,
    UNIX seconds, reason), bad lines as (line number, reason); the first and last moment of an ACW pause folded onto
    a call (an earlier import may have kept one of them as an event)."""
    calls: dict[str, list] = field(default_factory=dict)
    agents: list[tuple[str, str, float, str]] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0
    folded_from: float | None = None
    folded_to: float | None = None
    last_at: float | None = None
    """The moment of the last well-formed line folded."""
    last_ended: dict[str, list] = field(default_factory=dict)
    """Agent -> the call the agent last ended in this run."""
    acw: dict[str, tuple | None] = field(default_factory=dict)
    """Agent -> (moment, call or None when kept, reason) of the agent's open ACW pause; None: none open."""
    other_pause: set[str] = field(default_factory=set)
    """Agents in a pause with another reason than ACW."""


def _between(start: float | None, end: float) -> int | None:
    return None if start is None else max(0, int(end - start))


def _number(parts: list[str], index: int) -> int | None:
    """The whole seconds in field `index` (counted from the line's first field); None when absent or empty."""
    text = parts[index] if index < len(parts) else ""
    if not text:
        return None
    try:
        value = int(float(text))
    except (ValueError, OverflowError) as exc:
        raise MalformedLine(f"数値でない値「{text[:20]}」") from exc
    return _in_range(value, text)


def _in_range(value: int, text: str) -> int:
    if -MAX_SECONDS <= value <= MAX_SECONDS:
        return value
    raise MalformedLine(f"{TOO_LARGE}「{text[:20]}」")


def fold_run(lines, first_line_number: int, fold: Fold, stored_pauses: frozenset = frozenset()) -> None:
    """The loop over lines without line breaks (finish_fold after the last run). Written for speed (a year is
    500,000 lines): the numbers of a line are read before anything changes, so a malformed line leaves every call
    as it was.

    After-call work: an agent's PAUSE with reason ACW after the end of that agent's call in this run of lines, up to
    the agent's next UNPAUSE or AGENTLOGOFF, is added to that call (a later ACW pause replaces an open one, as the
    exchange means it). The agent events that are kept (fold.agents) are the logins and logoffs, the other pauses
    and their unpauses, and the ACW pauses that cannot be folded here with their ends: an agent's first such event
    in the run (an earlier run may have left an ACW pause open), a pause with no call of the agent before it, one
    still open at the end of the run, and those already stored by an earlier import (`stored_pauses`: (agent,
    moment)). Every kept ACW pause thus keeps the event that ends it, and the statistics walk them as before."""
    calls, malformed, kinds, give_ups, within = fold.calls, fold.malformed, _KINDS, GIVE_UPS, ACW_AFTER_CALL_WITHIN
    keep = fold.agents.append
    folded_from = folded_to = None
    last_ended, acw, other_pause = fold.last_ended, fold.acw, fold.other_pause
    at = None
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
        try:
            kind = kinds[event]
        except KeyError:
            if not event:
                malformed.append((number, NO_EVENT))
                continue
            event = event.upper()
            kind = kinds.get(event)
            if kind is None:
                continue
        if kind >= _LOGIN:
            agent = parts[3]
            if kind == _UNPAUSE or kind == _LOGOFF:
                opened = acw.get(agent, _UNSEEN)
                acw[agent] = None
                if opened is not None and opened is not _UNSEEN and opened[1] is not None:
                    call = opened[1]
                    call[ACW_S] = (call[ACW_S] or 0) + int(at - opened[0])
                    if folded_from is None:
                        folded_from = opened[0]
                    folded_to = opened[0]
                    if kind == _LOGOFF:
                        last_ended.pop(agent, None)
                        keep((agent, "logoff", at, ""))
                    elif agent in other_pause:
                        other_pause.discard(agent)
                        keep((agent, "unpause", at, ""))
                    continue
                if kind == _LOGOFF:
                    last_ended.pop(agent, None)
                    other_pause.discard(agent)
                    keep((agent, "logoff", at, ""))
                elif opened is not None or agent in other_pause:
                    other_pause.discard(agent)
                    keep((agent, "unpause", at, ""))
                continue
            if kind == _PAUSE:
                reason = parts[5][:40] if len(parts) > 5 else ""
                if reason != ACW_REASON and reason.upper() != ACW_REASON:
                    other_pause.add(agent)
                    keep((agent, "pause", at, reason))
                    continue
                opened = acw.get(agent, _UNSEEN)
                call = None
                if opened is not _UNSEEN and not (stored_pauses and (agent, at) in stored_pauses):
                    if opened is None:
                        call = last_ended.get(agent)
                    elif opened[1] is not None:         # an open ACW pause on a call: replaced, no seconds
                        call = opened[1]
                        if call[ACW_S] is None:
                            call[ACW_S] = 0
                        call = last_ended.get(agent)
                    if call is not None and at - call[ENDED_AT] > within:
                        call = None
                acw[agent] = (at, call, reason)
                if call is None:
                    keep((agent, "pause", at, reason))
                continue
            keep((agent, "login", at, ""))
            continue
        call_id = parts[1]
        if not call_id or call_id == "NONE":
            continue
        if kind == _ENTER:
            call = calls.get(call_id)
            if call is None:
                call = calls[call_id] = [parts[2], at, None, None, None, None, None, False, None, None, None]
            else:
                call[ENTERED_AT] = at
                call[QUEUE] = parts[2] or call[QUEUE]
            if len(parts) > 6 and parts[6]:
                call[CALLER] = parts[6]
            continue
        try:
            call = calls[call_id]
            created = False
        except KeyError:
            call = [parts[2], None, None, None, None, None, None, False, None, None, None]
            created = True
        try:
            if kind == _CONNECT:
                text = parts[5] if len(parts) > 5 else ""
                hold = _in_range(int(text), text) if text.isdecimal() else _number(parts, 5)
                call[ANSWERED_AT], call[AGENT] = at, parts[3] or call[AGENT]
                call[WAIT_S] = hold if hold is not None else _between(call[ENTERED_AT], at)
            elif kind == _COMPLETE or kind == _TRANSFER:
                complete = kind == _COMPLETE
                talk_index, wait_index = (6, 5) if complete else (8, 7)
                text = parts[talk_index] if len(parts) > talk_index else ""
                talk = _in_range(int(text), text) if text.isdecimal() else _number(parts, talk_index)
                wait = call[WAIT_S]
                if wait is None:
                    wait = _number(parts, wait_index)
                agent = parts[3] or call[AGENT]
                call[ENDED_AT], call[OUTCOME], call[AGENT] = at, ANSWERED, agent
                call[TALK_S] = talk if talk is not None else _between(call[ANSWERED_AT], at)
                if not complete:
                    call[TRANSFERRED] = True
                call[WAIT_S] = wait
                if agent:
                    last_ended[agent] = call
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
    if at is not None and 0.0 <= at < LATEST_TIME:
        fold.last_at = at
    if folded_from is not None:
        fold.folded_from = folded_from if fold.folded_from is None else min(fold.folded_from, folded_from)
        fold.folded_to = folded_to if fold.folded_to is None else max(fold.folded_to, folded_to)


def finish_fold(fold: Fold) -> Fold:
    """The end of a run of lines: an ACW pause still open on a call is kept as an event, for a later run to end."""
    for agent, opened in fold.acw.items():
        if opened is not None and opened[1] is not None:
            fold.agents.append((agent, "pause", opened[0], opened[2]))
            fold.acw[agent] = (opened[0], None, opened[2])
    return fold


def fold_lines(lines, first_line_number: int = 1, fold: Fold | None = None,
               stored_pauses: frozenset = frozenset()) -> Fold:
    """Fold lines (with or without their line breaks) into `fold` (a new one by default); a bad line is noted with
    its number and skipped. `stored_pauses`: ACW pauses, as (agent, UNIX seconds), an earlier import kept."""
    fold = Fold() if fold is None else fold
    fold_run([line.rstrip("\r\n") for line in lines], first_line_number, fold, stored_pauses)
    return finish_fold(fold)


def text_lines(text: str) -> list[str]:
    """A text's lines without their breaks, the last one ending with a line break or not."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def fold_text(text: str, first_line_number: int = 1, fold: Fold | None = None,
              stored_pauses: frozenset = frozenset()) -> Fold:
    """Fold a whole text of lines (a file's content, or what it grew by), the last one ending with a line break or
    not."""
    fold = Fold() if fold is None else fold
    lines = text_lines(text)
    fold_run(lines, first_line_number, fold, stored_pauses)
    return finish_fold(fold)


def bare_parse(lines) -> int:
    """Only splitting and reading the times (the benchmark's baseline): the number of events."""
    count = 0
    for line in lines:
        parts = line.rstrip("\n").split("|")
        if len(parts) >= 5:
            float(parts[0])
            count += 1
    return count


def fold_text_run(text: str, first_line_number: int, fold: Fold, stored_pauses: frozenset = frozenset()) -> int:
    """fold_run of a text's lines (text_lines; finish_fold after the last run); how many lines."""
    lines = text_lines(text)
    reference_fold_run(lines, first_line_number, fold, stored_pauses)
    return len(lines)


reference_fold_run, reference_fold_text_run = fold_run, fold_text_run
"""The loops above, which the compiled ones (processes/calls/queue_log_compiled.pyx) must match line for line."""
try:                                # the same loops, ~3x faster
    from processes.calls.queue_log_compiled import fold_run, fold_text_run  # noqa: E402,F811
except ImportError:                 # not built (scripts/setup builds it): the reference runs, slower
    pass
