"""The city's figures (DOMAIN.md, spec 5(4)⑦) over any period of days, by hour, day and operator.

受電応答率 (service level) = calls answered within 10 s of entering the queue ÷ every call offered to the queue
(abandoned ones included; the voice guidance before the queue is not counted). 一次完了率 comes from the contact
records (processes/calls/resolution.py). Handling time = talk + after-call work.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.calendar.slots import JST
from processes.calls.models import ABANDONED, ANSWERED, AgentEvent, Call
from processes.calls.resolution import after_call_work_from_contacts, first_contact_resolution

ANSWER_TARGET_S = 10
SERVICE_LEVEL_TARGET = 0.85
RESOLUTION_TARGET = 0.90
SHORT_ABANDON_S = 5
ACW_REASON = "ACW"


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


def _mean(values: list) -> float | None:
    return None if not values else round(sum(values) / len(values), 1)


def calls_in(session: Session, period: Period):
    columns = (Call.entered_at, Call.ended_at, Call.wait_s, Call.talk_s, Call.outcome, Call.agent, Call.transferred,
               Call.answered_at)
    return session.execute(select(*columns).where(Call.entered_at >= period.start, Call.entered_at < period.end)).all()


def after_call_work_s(session: Session, period: Period, agent: str | None = None) -> tuple[int, bool]:
    """Seconds of after-call work in the period: PAUSE (reason ACW) to UNPAUSE from the exchange when it reports
    them, else from the contact records (call ended → record saved). Second value: whether the exchange's were used."""
    query = (select(AgentEvent.agent, AgentEvent.kind, AgentEvent.at, AgentEvent.reason)
             .where(AgentEvent.at >= period.start, AgentEvent.at < period.end + timedelta(hours=1),
                    AgentEvent.kind.in_(("pause", "unpause", "logoff")))
             .order_by(AgentEvent.at))
    if agent is not None:
        query = query.where(AgentEvent.agent == agent)
    total, found, open_since = 0, False, {}
    for who, kind, at, reason in session.execute(query):
        if kind == "pause" and reason.upper() == ACW_REASON and at < period.end:
            open_since[who], found = at, True
        elif kind in ("unpause", "logoff") and who in open_since:
            total += int((at - open_since.pop(who)).total_seconds())
    if found:
        return total, True
    return after_call_work_from_contacts(session, period.start, period.end, agent), False


def _figures(rows) -> dict:
    offered = len(rows)
    answered = [r for r in rows if r.answered_at is not None]
    within = sum(1 for r in answered if r.wait_s is not None and r.wait_s <= ANSWER_TARGET_S)
    abandoned = [r for r in rows if r.outcome == ABANDONED]
    talks = [r.talk_s for r in answered if r.outcome == ANSWERED and r.talk_s is not None]
    return {
        "offered": offered, "answered": len(answered), "answered_within_10s": within,
        "abandoned": len(abandoned),
        "short_abandoned": sum(1 for r in abandoned if (r.wait_s or 0) < SHORT_ABANDON_S),
        "unanswered_other": sum(1 for r in rows if r.outcome not in (None, ANSWERED, ABANDONED)
                                and r.answered_at is None),
        "transferred": sum(1 for r in answered if r.transferred),
        "service_level": _ratio(within, offered),
        "average_speed_of_answer_s": _mean([r.wait_s for r in answered if r.wait_s is not None]),
        "average_talk_time_s": _mean(talks),
        "_handled": len(talks), "_talk_total": sum(talks),
    }


def _handling(figures: dict, acw_s: int) -> float | None:
    handled = figures.pop("_handled")
    talk_total = figures.pop("_talk_total")
    return None if not handled else round((talk_total + acw_s) / handled, 1)


def statistics(session: Session, period: Period, agent: str | None = None) -> dict:
    rows = calls_in(session, period)
    if agent is not None:
        rows = [r for r in rows if r.agent == agent]
    figures = _figures(rows)
    acw_s, _ = after_call_work_s(session, period, agent)
    figures["average_handling_time_s"] = _handling(figures, acw_s)
    figures["first_contact_resolution"] = first_contact_resolution(session, period.start, period.end, agent)
    figures["from"], figures["to"] = period.first.isoformat(), period.last.isoformat()
    figures["by_hour"] = by_hour(rows)
    return figures


def by_hour(rows) -> list[dict]:
    hours = {h: {"hour": h, "offered": 0, "answered": 0, "handled": 0, "answered_within_10s": 0} for h in range(24)}
    for r in rows:
        slot = hours[r.entered_at.astimezone(JST).hour]
        slot["offered"] += 1
        if r.answered_at is not None:
            slot["answered"] += 1
            slot["answered_within_10s"] += 1 if r.wait_s is not None and r.wait_s <= ANSWER_TARGET_S else 0
        if r.outcome == ANSWERED and r.ended_at is not None:
            hours[r.ended_at.astimezone(JST).hour]["handled"] += 1
    return list(hours.values())


def by_day(session: Session, period: Period) -> list[dict]:
    days = defaultdict(list)
    for r in calls_in(session, period):
        days[r.entered_at.astimezone(JST).date()].append(r)
    result = []
    for day in sorted(days):
        figures = _figures(days[day])
        figures.pop("_handled"), figures.pop("_talk_total")
        result.append({"date": day.isoformat(), **figures})
    return result


def by_operator(session: Session, period: Period) -> list[dict]:
    groups = defaultdict(list)
    for r in calls_in(session, period):
        if r.agent:
            groups[r.agent].append(r)
    result = []
    for agent in sorted(groups):
        figures = _figures(groups[agent])
        acw_s, _ = after_call_work_s(session, period, agent)
        figures["average_handling_time_s"] = _handling(figures, acw_s)
        result.append({"operator": agent, **figures})
    return result
