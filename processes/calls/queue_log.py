"""Reading the exchange's events: Asterisk `queue_log` lines (`time|callid|queue|agent|EVENT|data1|…`) folded into
one record per call, and the agents' login, logoff, pause and unpause.

The wait counts from ENTERQUEUE (the voice guidance before the queue is not part of it) and is the exchange's own
figure when it gives one (CONNECT's holdtime, ABANDON's waittime), else the difference of the event times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from processes.calls.models import ABANDONED, ANSWERED, EMPTY, KEY_PRESSED, TIMEOUT

AGENT_EVENTS = {"AGENTLOGIN": "login", "ADDMEMBER": "login", "AGENTLOGOFF": "logoff", "REMOVEMEMBER": "logoff",
                "PAUSE": "pause", "UNPAUSE": "unpause", "PAUSEALL": "pause", "UNPAUSEALL": "unpause"}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
# event: (outcome, index of the wait in the data fields)
GIVE_UPS = {"ABANDON": (ABANDONED, 2), "EXITWITHTIMEOUT": (TIMEOUT, 2), "EXITEMPTY": (EMPTY, 2),
            "EXITWITHKEY": (KEY_PRESSED, 3)}
CALL_EVENTS = {"ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "RINGNOANSWER"} | TRANSFERS | set(GIVE_UPS)


class MalformedLine(ValueError):
    pass


@dataclass
class FoldedCall:
    call_id: str
    queue: str = ""
    entered_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_s: int | None = None
    talk_s: int | None = None
    outcome: str | None = None
    transferred: bool = False
    agent: str | None = None
    caller: str | None = None
    """The caller's number, only in memory: the importer stores its keyed hash."""

    def values(self) -> dict:
        return {"call_id": self.call_id, "queue": self.queue, "entered_at": self.entered_at,
                "answered_at": self.answered_at, "ended_at": self.ended_at, "wait_s": self.wait_s,
                "talk_s": self.talk_s, "outcome": self.outcome, "transferred": self.transferred,
                "agent": self.agent}


@dataclass
class AgentChange:
    agent: str
    kind: str
    at: datetime
    reason: str = ""


@dataclass
class Fold:
    """What a run of lines says: calls by id (in order of first sight), agent changes, bad lines."""
    calls: dict[str, FoldedCall] = field(default_factory=dict)
    agents: list[AgentChange] = field(default_factory=list)
    malformed: list[tuple[int, str]] = field(default_factory=list)
    lines: int = 0


def _seconds(data: list[str], index: int) -> int | None:
    if index >= len(data) or data[index] == "":
        return None
    try:
        return int(float(data[index]))
    except ValueError as exc:
        raise MalformedLine(f"数値でない値「{data[index][:20]}」") from exc


def _between(start: datetime | None, end: datetime) -> int | None:
    return None if start is None else max(0, int((end - start).total_seconds()))


def parse_line(line: str) -> tuple[datetime, str, str, str, str, list[str]] | None:
    """One line as (time, callid, queue, agent, event, data); None for a blank line."""
    line = line.rstrip("\r\n")
    if not line.strip():
        return None
    parts = line.split("|")
    if len(parts) < 5:
        raise MalformedLine("区切り（|）で5項目以上ありません")
    try:
        at = datetime.fromtimestamp(float(parts[0]), tz=timezone.utc)
    except (ValueError, OverflowError, OSError) as exc:
        raise MalformedLine("先頭が時刻（UNIX 時間の秒）ではありません") from exc
    if not parts[4]:
        raise MalformedLine("イベント名がありません")
    return at, parts[1], parts[2], parts[3], parts[4].upper(), parts[5:]


def apply_event(fold: Fold, at: datetime, call_id: str, queue: str, agent: str, event: str, data: list[str]) -> None:
    if event in AGENT_EVENTS:
        reason = data[0] if event.startswith("PAUSE") and data else ""
        fold.agents.append(AgentChange(agent, AGENT_EVENTS[event], at, reason[:40]))
        return
    if event not in CALL_EVENTS or not call_id or call_id == "NONE":
        return
    call = fold.calls.get(call_id)
    if call is None:
        call = fold.calls[call_id] = FoldedCall(call_id, queue=queue)
    if event == "ENTERQUEUE":
        call.entered_at = at
        call.queue = queue or call.queue
        call.caller = data[1] if len(data) > 1 and data[1] else call.caller
    elif event == "CONNECT":
        call.answered_at, call.agent, call.outcome = at, agent or call.agent, call.outcome
        hold = _seconds(data, 0)
        call.wait_s = hold if hold is not None else _between(call.entered_at, at)
    elif event in ("COMPLETEAGENT", "COMPLETECALLER") or event in TRANSFERS:
        talk_index = 1 if event.startswith("COMPLETE") else 3
        talk = _seconds(data, talk_index)
        call.ended_at, call.outcome, call.agent = at, ANSWERED, agent or call.agent
        call.talk_s = talk if talk is not None else _between(call.answered_at, at)
        call.transferred = call.transferred or event in TRANSFERS
        if call.wait_s is None:
            call.wait_s = _seconds(data, 0 if event.startswith("COMPLETE") else 2)
    elif event in GIVE_UPS:
        outcome, wait_index = GIVE_UPS[event]
        wait = _seconds(data, wait_index)
        call.ended_at, call.outcome = at, outcome
        call.wait_s = wait if wait is not None else _between(call.entered_at, at)


def fold_lines(lines, first_line_number: int = 1, fold: Fold | None = None) -> Fold:
    """Fold lines into `fold` (a new one by default); a bad line is noted with its number and skipped."""
    fold = fold or Fold()
    number = first_line_number - 1
    for number, line in enumerate(lines, start=first_line_number):
        try:
            parsed = parse_line(line)
            if parsed is not None:
                apply_event(fold, *parsed)
        except MalformedLine as exc:
            fold.malformed.append((number, str(exc)))
    fold.lines += max(0, number - first_line_number + 1)
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
