"""The seats each hour of a day needs (Erlang C for 85 % within 10 s) from the same weekday's arrivals over the last
weeks and the measured handling time, beside the seats staffed (agents logged in during the hour)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.calendar.slots import JST
from processes.calls.erlang import seats_needed
from processes.calls.models import AgentEvent, Call
from processes.calls.statistics import ANSWER_TARGET_S, SERVICE_LEVEL_TARGET, Period, statistics

WEEKS = 8
DEFAULT_HANDLING_S = 300


def _arrivals(session: Session, day: date) -> tuple[dict[int, float], int]:
    """Mean calls per hour over the same weekdays of the last WEEKS weeks that had calls; how many such days."""
    per_day: dict[date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for week in range(1, WEEKS + 1):
        past = day - timedelta(weeks=week)
        start = datetime.combine(past, time(), JST)
        for (entered,) in session.execute(select(Call.entered_at).where(
                Call.entered_at >= start, Call.entered_at < start + timedelta(days=1))):
            per_day[past][entered.astimezone(JST).hour] += 1
    days = len(per_day)
    totals: dict[int, float] = defaultdict(float)
    for hours in per_day.values():
        for hour, count in hours.items():
            totals[hour] += count
    return ({hour: total / days for hour, total in totals.items()} if days else {}), days


def staffed_seats(session: Session, day: date) -> dict[int, int]:
    """Agents logged in at any time during each hour of the day (JST)."""
    start = datetime.combine(day, time(), JST)
    end = start + timedelta(days=1)
    events = session.execute(select(AgentEvent.agent, AgentEvent.kind, AgentEvent.at)
                             .where(AgentEvent.at < end, AgentEvent.kind.in_(("login", "logoff")),
                                    AgentEvent.at >= start - timedelta(days=1))
                             .order_by(AgentEvent.at)).all()
    sessions: list[tuple[datetime, datetime]] = []
    since: dict[str, datetime] = {}
    for agent, kind, at in events:
        if kind == "login":
            since.setdefault(agent, at)
        elif agent in since:
            sessions.append((since.pop(agent), at))
    still_open_until = min(end, utcnow())
    sessions += [(at, still_open_until) for at in since.values()]
    seats = {}
    for hour in range(24):
        low, high = start + timedelta(hours=hour), start + timedelta(hours=hour + 1)
        seats[hour] = sum(1 for begin, finish in sessions if begin < high and finish > low)
    return seats


def staffing(session: Session, day: date) -> dict:
    arrivals, days = _arrivals(session, day)
    history = Period(day - timedelta(weeks=WEEKS), day - timedelta(days=1))
    handling = statistics(session, history)["average_handling_time_s"] or DEFAULT_HANDLING_S
    staffed = staffed_seats(session, day)
    hours = []
    for hour in range(24):
        forecast = round(arrivals.get(hour, 0.0), 1)
        hours.append({"hour": hour, "forecast_calls": forecast,
                      "required_seats": seats_needed(forecast, handling, SERVICE_LEVEL_TARGET, ANSWER_TARGET_S),
                      "staffed_seats": staffed[hour]})
    return {"date": day.isoformat(), "average_handling_time_s": handling, "weeks_of_history": days,
            "hours": hours}
