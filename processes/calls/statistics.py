"""The city's figures (DOMAIN.md, spec 5(4)⑦) over any period of days, by hour, day and operator.

受電応答率 (service level) = calls answered within 10 s of entering the queue ÷ every call offered to the queue
(abandoned ones included; the voice guidance before the queue is not counted). 一次完了率 comes from the contact
records (processes/calls/resolution.py). Handling time = talk + after-call work.

The database counts and sums (GROUP BY the Tokyo hour, day or operator) and Python only divides, so a month of a
busy centre is one small query rather than ten thousand rows read; tests/test_calls_statistics_sql.py checks the
figures against a recomputation from the rows themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from processes.calendar.slots import JST
from processes.calls.models import ABANDONED, ANSWERED, AgentEvent, Call
from processes.calls.resolution import after_call_work_from_contacts, first_contact_resolution
from processes.calls.sql_time import jst_day, jst_hour, whole_seconds

ANSWER_TARGET_S = 10
SERVICE_LEVEL_TARGET = 0.85
RESOLUTION_TARGET = 0.90
SHORT_ABANDON_S = 5
ACW_REASON = "ACW"
ACW_CLOSED_WITHIN = timedelta(hours=1)
"""An ACW pause kept as an event, begun in the period, is closed by the agent's next unpause or logoff up to this long
after it."""
LONGEST_CALL = timedelta(days=1)
"""A call's end is within this long of its entry (bounds the range searched for calls that ended in a period)."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), JST)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), JST)


def _ratio(part: int | float, whole: int | float) -> float | None:
    return None if not whole else part / whole


def _mean(total: int, count: int) -> float | None:
    return None if not count else round(total / count, 1)


def _count(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def _sum(condition, column) -> object:
    return func.sum(case((condition, column), else_=0))


_ANSWERED = Call.answered_at.is_not(None)
_HANDLED = and_(_ANSWERED, Call.outcome == ANSWERED, Call.talk_s.is_not(None))
COUNTS = {
    "offered": func.count(),
    "answered": func.count(Call.answered_at),
    "answered_within_10s": _count(and_(_ANSWERED, Call.wait_s <= ANSWER_TARGET_S)),
    "abandoned": _count(Call.outcome == ABANDONED),
    "short_abandoned": _count(and_(Call.outcome == ABANDONED, func.coalesce(Call.wait_s, 0) < SHORT_ABANDON_S)),
    "unanswered_other": _count(and_(Call.outcome.is_not(None), Call.outcome.not_in((ANSWERED, ABANDONED)),
                                    Call.answered_at.is_(None))),
    "transferred": _count(and_(_ANSWERED, Call.transferred.is_(True))),
    "_wait_total": _sum(and_(_ANSWERED, Call.wait_s.is_not(None)), Call.wait_s),
    "_waits": _count(and_(_ANSWERED, Call.wait_s.is_not(None))),
    "_talk_total": _sum(_HANDLED, Call.talk_s),
    "_handled": _count(_HANDLED),
}
"""What each group of calls sums to; the figures follow from these by division alone."""


def _in_period(query, period: Period, agent: str | None = None):
    query = query.where(Call.entered_at >= period.start, Call.entered_at < period.end)
    return query if agent is None else query.where(Call.agent == agent)


def _grouped(session: Session, period: Period, keys: dict, agent: str | None = None) -> list[dict]:
    columns = [column.label(name) for name, column in {**keys, **COUNTS}.items()]
    query = _in_period(select(*columns), period, agent).group_by(*(literal_column(name) for name in keys))
    return [{name: (value or 0) if name in COUNTS else value for name, value in row._mapping.items()}
            for row in session.execute(query)]


def _total(groups: list[dict]) -> dict:
    return {name: sum(group[name] for group in groups) for name in COUNTS}


def _figures(sums: dict) -> dict:
    """The public figures of summed counts; `_handled` and `_talk_total` stay for the handling time."""
    figures = {name: sums[name] for name in COUNTS if not name.startswith("_")}
    figures["service_level"] = _ratio(sums["answered_within_10s"], sums["offered"])
    figures["average_speed_of_answer_s"] = _mean(sums["_wait_total"], sums["_waits"])
    figures["average_talk_time_s"] = _mean(sums["_talk_total"], sums["_handled"])
    figures["_handled"], figures["_talk_total"] = sums["_handled"], sums["_talk_total"]
    return figures


def _handling(figures: dict, acw_s: int) -> float | None:
    handled = figures.pop("_handled")
    talk_total = figures.pop("_talk_total")
    return None if not handled else round((talk_total + acw_s) / handled, 1)


def _folded_acw(session: Session, period: Period, agent: str | None = None) -> dict[str, tuple[int, int]]:
    """Per agent: (seconds of after-call work, calls with some) folded onto the calls that ended in the period."""
    query = (select(Call.agent, func.sum(Call.acw_s), func.count(Call.acw_s))
             .where(Call.entered_at >= period.start - LONGEST_CALL, Call.entered_at < period.end,
                    Call.ended_at >= period.start, Call.ended_at < period.end, Call.acw_s.is_not(None))
             .group_by(Call.agent))
    if agent is not None:
        query = query.where(Call.agent == agent)
    return {who: (int(seconds or 0), count) for who, seconds, count in session.execute(query)}


def _exchange_acw(session: Session, period: Period, agent: str | None = None) -> dict[str, tuple[int, int]]:
    """Per agent: (seconds of after-call work, ACW pauses) in the period, from the exchange's events: folded onto the
    calls at import (processes/calls/queue_log.py), plus the ACW pauses kept as events (an ACW pause lasts until the
    agent's next unpause or logoff; a later ACW pause replaces it)."""
    by_agent = _folded_acw(session, period, agent)
    for who, (seconds, pauses) in _kept_acw(session, period, agent).items():
        folded_seconds, folded_pauses = by_agent.get(who, (0, 0))
        by_agent[who] = (folded_seconds + seconds, folded_pauses + pauses)
    return by_agent


def _kept_acw(session: Session, period: Period, agent: str | None = None) -> dict[str, tuple[int, int]]:
    """Per agent: (seconds of after-call work, ACW pauses begun) in the period from the ACW pauses kept as events."""
    events = (select(AgentEvent.agent, AgentEvent.kind, AgentEvent.at,
                     func.lead(AgentEvent.kind).over(partition_by=AgentEvent.agent,
                                                     order_by=(AgentEvent.at, AgentEvent.id)).label("next_kind"),
                     func.lead(AgentEvent.at).over(partition_by=AgentEvent.agent,
                                                   order_by=(AgentEvent.at, AgentEvent.id)).label("next_at"))
              .where(AgentEvent.at >= period.start, AgentEvent.at < period.end + ACW_CLOSED_WITHIN,
                     AgentEvent.kind.in_(("unpause", "logoff"))
                     | and_(AgentEvent.kind == "pause", func.upper(AgentEvent.reason) == ACW_REASON)))
    if agent is not None:
        events = events.where(AgentEvent.agent == agent)
    events = events.subquery()
    closed = events.c.next_kind.in_(("unpause", "logoff"))
    query = (select(events.c.agent, func.sum(case((closed, whole_seconds(events.c.at, events.c.next_at)), else_=0)),
                    func.count())
             .where(events.c.kind == "pause", events.c.at < period.end).group_by(events.c.agent))
    return {who: (int(seconds or 0), pauses) for who, seconds, pauses in session.execute(query)}


def after_call_work_s(session: Session, period: Period, agent: str | None = None) -> tuple[int, bool]:
    """Seconds of after-call work in the period: PAUSE (reason ACW) to UNPAUSE from the exchange when it reports
    them (a call's in the period it ended), else from the contact records (call ended → record saved). Second value: whether the exchange's were used."""
    by_agent = _exchange_acw(session, period, agent)
    if by_agent:
        return sum(seconds for seconds, _ in by_agent.values()), True
    return after_call_work_from_contacts(session, period.start, period.end, agent), False


def _by_hour(groups: list[dict]) -> list[dict]:
    hours = {h: {"hour": h, "offered": 0, "answered": 0, "handled": 0, "answered_within_10s": 0} for h in range(24)}
    for group in groups:
        slot = hours[group["hour"]]
        for name in ("offered", "answered", "answered_within_10s"):
            slot[name] += group[name]
        if group["handled_hour"] is not None:
            hours[group["handled_hour"]]["handled"] += group["offered"]
    return list(hours.values())


def statistics(session: Session, period: Period, agent: str | None = None) -> dict:
    ended = and_(Call.outcome == ANSWERED, Call.ended_at.is_not(None))
    groups = _grouped(session, period, {"hour": jst_hour(Call.entered_at),
                                        "handled_hour": case((ended, jst_hour(Call.ended_at)), else_=None)}, agent)
    figures = _figures(_total(groups))
    acw_s, _ = after_call_work_s(session, period, agent)
    figures["average_handling_time_s"] = _handling(figures, acw_s)
    figures["first_contact_resolution"] = first_contact_resolution(session, period.start, period.end, agent)
    figures["from"], figures["to"] = period.first.isoformat(), period.last.isoformat()
    figures["by_hour"] = _by_hour(groups)
    return figures


def by_day(session: Session, period: Period) -> list[dict]:
    result = []
    for group in sorted(_grouped(session, period, {"day": jst_day(Call.entered_at)}), key=lambda g: str(g["day"])):
        figures = _figures(group)
        figures.pop("_handled"), figures.pop("_talk_total")
        result.append({"date": str(group["day"])[:10], **figures})
    return result


def by_operator(session: Session, period: Period) -> list[dict]:
    acw = _exchange_acw(session, period)
    result = []
    groups = _grouped(session, period, {"operator": Call.agent})
    for group in sorted((g for g in groups if g["operator"]), key=lambda g: g["operator"]):
        agent = group["operator"]
        figures = _figures(group)
        acw_s = acw[agent][0] if agent in acw else \
            after_call_work_from_contacts(session, period.start, period.end, agent)
        figures["average_handling_time_s"] = _handling(figures, acw_s)
        result.append({"operator": agent, **figures})
    return result
