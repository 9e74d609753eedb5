"""The phone figures the database groups and sums (processes/calls/statistics.py) equal a recomputation from the
stored call rows and the exchange's agent events, one at a time, the way the figures were first computed (the
after-call work walked over every PAUSE … UNPAUSE the queue_log holds, whether the import folded it onto a call or
kept it as an event): over a generated three days (answers around 10 s, abandons short and long, timeouts, transfers, calls across midnight,
ACW pauses closed by unpause or logoff, a second ACW pause replacing the first, other pauses)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from processes.calendar.slots import JST
from processes.calls.importer import import_lines
from processes.calls.models import AgentEvent, Call
from processes.calls.statistics import Period, after_call_work_s, by_day, by_operator, statistics

DAYS = Period(date(2026, 12, 1), date(2026, 12, 3))
AGENTS = ("op1", "op2", "op3")


def _queue_log(rng: random.Random) -> list[str]:
    lines = []
    for day in range(3):
        start = int(datetime(2026, 12, 1 + day, 8, 50, tzinfo=JST).timestamp())
        lines += [f"{start}|NONE|NONE|{agent}|AGENTLOGIN" for agent in AGENTS]
        moment = start + 600
        for number in range(70):
            moment += rng.randint(20, 600)
            if number == 69:
                moment = int(datetime(2026, 12, 1 + day, 23, 59, 50, tzinfo=JST).timestamp())   # across midnight
            call, agent, wait = f"d{day}-{number}", rng.choice(AGENTS), rng.choice([0, 3, 9, 10, 11, 25, 60])
            lines.append(f"{moment}|{call}|okuyami|NONE|ENTERQUEUE||044{rng.randint(1000000, 1000020)}|1")
            fate = rng.random()
            if fate < 0.12:
                lines.append(f"{moment + wait}|{call}|okuyami|NONE|ABANDON|1|1|{wait}")
                continue
            if fate < 0.17:
                lines.append(f"{moment + 60}|{call}|okuyami|NONE|EXITWITHTIMEOUT|1|1|60")
                continue
            talk = rng.randint(30, 400)
            hold = str(wait) if rng.random() < 0.8 else ""          # without holdtime: the times' difference
            lines.append(f"{moment + wait}|{call}|okuyami|{agent}|CONNECT|{hold}|x|2")
            end = moment + wait + talk
            if fate < 0.27:
                lines.append(f"{end}|{call}|okuyami|{agent}|BLINDTRANSFER|200|ctx|{wait}|{talk}|1")
            else:
                lines.append(f"{end}|{call}|okuyami|{agent}|COMPLETECALLER|{wait}|{talk}|1")
            pause = rng.random()
            if pause < 0.6:
                lines += [f"{end}|NONE|NONE|{agent}|PAUSE|ACW", f"{end + rng.randint(5, 90)}|NONE|NONE|{agent}|UNPAUSE"]
            elif pause < 0.7:
                lines += [f"{end}|NONE|NONE|{agent}|PAUSE|ACW", f"{end + 20}|NONE|NONE|{agent}|PAUSE|ACW",
                          f"{end + 50}|NONE|NONE|{agent}|UNPAUSE"]
            elif pause < 0.8:
                lines += [f"{end}|NONE|NONE|{agent}|PAUSE|LUNCH", f"{end + 30}|NONE|NONE|{agent}|UNPAUSE"]
            moment = max(moment, end)
        lines += [f"{moment + 3600}|NONE|NONE|{agent}|AGENTLOGOFF" for agent in AGENTS]
    return sorted(lines, key=lambda line: int(line.split("|")[0]))


def _mean(values: list) -> float | None:
    return None if not values else round(sum(values) / len(values), 1)


def _recomputed(rows: list, acw_s: int) -> dict:
    """The figures of these call rows, one row at a time."""
    answered = [r for r in rows if r.answered_at is not None]
    abandoned = [r for r in rows if r.outcome == "abandoned"]
    talks = [r.talk_s for r in answered if r.outcome == "answered" and r.talk_s is not None]
    within = sum(1 for r in answered if r.wait_s is not None and r.wait_s <= 10)
    return {
        "offered": len(rows), "answered": len(answered), "answered_within_10s": within, "abandoned": len(abandoned),
        "short_abandoned": sum(1 for r in abandoned if (r.wait_s or 0) < 5),
        "unanswered_other": sum(1 for r in rows if r.outcome not in (None, "answered", "abandoned")
                                and r.answered_at is None),
        "transferred": sum(1 for r in answered if r.transferred),
        "service_level": None if not rows else within / len(rows),
        "average_speed_of_answer_s": _mean([r.wait_s for r in answered if r.wait_s is not None]),
        "average_talk_time_s": _mean(talks),
        "average_handling_time_s": None if not talks else round((sum(talks) + acw_s) / len(talks), 1),
    }


def _acw_walked(events: list, period: Period, agent: str | None = None) -> int:
    total, open_since = 0, {}
    for event in sorted(events, key=lambda e: (e.at, e.id)):
        if not period.start <= event.at < period.end + timedelta(hours=1) or agent not in (None, event.agent):
            continue
        if event.kind == "pause" and event.reason.upper() == "ACW" and event.at < period.end:
            open_since[event.agent] = event.at
        elif event.kind in ("unpause", "logoff") and event.agent in open_since:
            total += int((event.at - open_since.pop(event.agent)).total_seconds())
    return total


def _by_hour(rows: list) -> list[dict]:
    hours = {h: {"hour": h, "offered": 0, "answered": 0, "handled": 0, "answered_within_10s": 0} for h in range(24)}
    for r in rows:
        slot = hours[r.entered_at.astimezone(JST).hour]
        slot["offered"] += 1
        if r.answered_at is not None:
            slot["answered"] += 1
            slot["answered_within_10s"] += 1 if r.wait_s is not None and r.wait_s <= 10 else 0
        if r.outcome == "answered" and r.ended_at is not None:
            hours[r.ended_at.astimezone(JST).hour]["handled"] += 1
    return list(hours.values())


def _agent_events(lines: list[str]) -> list:
    """The agent events of the queue_log, as the exchange reported them (one per moment, agent and kind)."""
    kinds = {"AGENTLOGIN": "login", "AGENTLOGOFF": "logoff", "PAUSE": "pause", "UNPAUSE": "unpause"}
    events = {}
    for number, line in enumerate(lines):
        at, _, _, agent, event, *data = line.split("|")
        if event in kinds:
            moment = datetime.fromtimestamp(int(at), tz=JST)
            events.setdefault((moment, agent, kinds[event]), SimpleNamespace(
                id=number, at=moment, agent=agent, kind=kinds[event], reason=data[0] if event == "PAUSE" else ""))
    return list(events.values())


@pytest.fixture
def stored(database):
    lines = _queue_log(random.Random(16))
    result = import_lines(database, lines)
    assert result.added == 210 and not result.malformed
    with database.transaction(write=False) as session:
        calls = list(session.scalars(select(Call)))
        session.expunge_all()
    return database, calls, _agent_events(lines)


def _in(rows: list, period: Period) -> list:
    return [r for r in rows if period.start <= r.entered_at < period.end]


def test_the_grouped_figures_equal_a_recomputation_from_the_rows(stored):
    database, calls, events = stored
    one_day = Period(date(2026, 12, 2), date(2026, 12, 2))
    with database.transaction(write=False) as session:
        for period in (DAYS, one_day):
            figures = statistics(session, period)
            expected = _recomputed(_in(calls, period), _acw_walked(events, period))
            assert {k: figures[k] for k in expected} == expected
            assert figures["by_hour"] == _by_hour(_in(calls, period))
        own = statistics(session, DAYS, "op2")
        mine = [r for r in _in(calls, DAYS) if r.agent == "op2"]
        assert {k: own[k] for k in expected} == _recomputed(mine, _acw_walked(events, DAYS, "op2"))
        assert own["by_hour"] == _by_hour(mine)

        days = by_day(session, Period(date(2026, 11, 30), date(2026, 12, 4)))
        operators = by_operator(session, DAYS)
    assert [d["date"] for d in days] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    for d in days:
        day = date.fromisoformat(d["date"])
        expected = _recomputed(_in(calls, Period(day, day)), 0)
        expected.pop("average_handling_time_s")
        assert {k: d[k] for k in expected} == expected
    assert [o["operator"] for o in operators] == list(AGENTS)
    for o in operators:
        expected = _recomputed([r for r in _in(calls, DAYS) if r.agent == o["operator"]],
                               _acw_walked(events, DAYS, o["operator"]))
        assert {k: o[k] for k in expected} == expected


def test_acw_pauses_are_counted_as_the_agents_events_say(stored):
    database, _, events = stored
    with database.transaction(write=False) as session:
        total, from_exchange = after_call_work_s(session, DAYS)
        op1, _ = after_call_work_s(session, DAYS, "op1")

    assert from_exchange and total == _acw_walked(events, DAYS) > 0
    assert op1 == _acw_walked(events, DAYS, "op1") > 0


def test_times_are_stored_to_the_microsecond_and_a_second_import_completes_nothing_twice(database):
    lines = ["1796083200.25|f1|okuyami|NONE|ENTERQUEUE||0441234567|1",
             "1796083205.999999|f1|okuyami|op1|CONNECT||x|2",
             "1796083325.5|f1|okuyami|op1|COMPLETECALLER||||",
             "1796083325.5|NONE|NONE|op1|PAUSE|ACW",
             "1796083355.000001|NONE|NONE|op1|UNPAUSE"]
    first = import_lines(database, lines)
    again = import_lines(database, lines)
    with database.transaction(write=False) as session:
        call = session.scalar(select(Call))
        moments = list(session.scalars(select(AgentEvent.at).order_by(AgentEvent.at)))

    def utc(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, tz=JST)

    assert (first.added, again.added, again.duplicates) == (1, 0, 1)
    assert (call.entered_at, call.answered_at, call.ended_at) == (utc(1796083200.25), utc(1796083205.999999),
                                                                   utc(1796083325.5))
    assert (call.wait_s, call.talk_s) == (5, 119)                  # the times' differences, whole seconds
    assert moments == [utc(1796083325.5), utc(1796083355.000001)]
    with database.transaction(write=False) as session:
        assert after_call_work_s(session, Period(date(2026, 12, 1), date(2026, 12, 1))) == (29, True)
