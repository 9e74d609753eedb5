"""After-call work folded onto the call at import (calls.acw_s): an operator's PAUSE (reason ACW) … UNPAUSE after a
call, after a transfer, across two import files, a PAUSE without its UNPAUSE; and a long file stored in runs while
it is still being folded gives the same calls as folding it whole."""
from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import select

from processes.calendar.slots import JST
from processes.calls import streaming
from processes.calls.importer import import_lines
from processes.calls.models import Call
from processes.calls.queue_log import ACW_S, AGENT, OUTCOME, TALK_S, TRANSFERRED, WAIT_S, fold_lines
from processes.calls.statistics import Period, after_call_work_s, by_operator, statistics

DAY = Period(date(2026, 12, 1), date(2026, 12, 1))
T0 = int(datetime(2026, 12, 1, 9, 0, tzinfo=JST).timestamp())


def _call(call_id: str, start: int, agent: str, talk: int, end_event: str = "COMPLETECALLER") -> list[str]:
    end = start + 5 + talk
    last = (f"{end}|{call_id}|okuyami|{agent}|BLINDTRANSFER|200|ctx|5|{talk}|1" if end_event == "BLINDTRANSFER"
            else f"{end}|{call_id}|okuyami|{agent}|{end_event}|5|{talk}|1")
    return [f"{start}|{call_id}|okuyami|NONE|ENTERQUEUE||0441234567|1",
            f"{start + 5}|{call_id}|okuyami|{agent}|CONNECT|5|x|1", last]


def _pause(at: int, agent: str, reason: str = "ACW") -> str:
    return f"{at}|NONE|NONE|{agent}|PAUSE|{reason}"


def _unpause(at: int, agent: str) -> str:
    return f"{at}|NONE|NONE|{agent}|UNPAUSE"


def _acw_by_call(database) -> dict[str, int | None]:
    with database.transaction(write=False) as session:
        return {call_id: acw_s for call_id, acw_s in session.execute(select(Call.call_id, Call.acw_s))}


def _handling(database, period: Period = DAY) -> tuple[float | None, int]:
    with database.transaction(write=False) as session:
        return statistics(session, period)["average_handling_time_s"], after_call_work_s(session, period)[0]


def test_acw_after_a_call_and_after_a_transfer_is_on_that_call(database):
    lines = [*_call("a1", T0, "op1", 100), _pause(T0 + 105, "op1"), _unpause(T0 + 125, "op1"),
             *_call("a2", T0 + 200, "op1", 60, "BLINDTRANSFER"), _pause(T0 + 265, "op1"), _unpause(T0 + 295, "op1"),
             *_call("a3", T0 + 400, "op2", 80), _pause(T0 + 485, "op2", "LUNCH"), _unpause(T0 + 900, "op2")]
    result = import_lines(database, lines)

    assert result.added == 3
    acw = _acw_by_call(database)
    assert acw["a2"] == 30                     # the transferring operator's ACW, on the transferred call
    assert acw["a3"] is None                   # a lunch break is not after-call work
    assert _handling(database) == (round((100 + 60 + 80 + 20 + 30) / 3, 1), 50)
    with database.transaction(write=False) as session:
        operators = {row["operator"]: row for row in by_operator(session, DAY)}
    assert operators["op1"]["average_handling_time_s"] == 105.0      # (100 + 60 + 20 + 30) / 2
    assert operators["op2"]["average_handling_time_s"] == 80.0


def test_acw_across_two_import_files_is_counted_once(database):
    first = [*_call("b1", T0, "op1", 100), _pause(T0 + 105, "op1"), _unpause(T0 + 115, "op1"),
             *_call("b2", T0 + 200, "op1", 50), _pause(T0 + 255, "op1")]
    second = [_unpause(T0 + 295, "op1"), *_call("b3", T0 + 400, "op1", 70)]
    third = [_pause(T0 + 475, "op1"), _unpause(T0 + 490, "op1")]

    import_lines(database, first)
    assert _handling(database) == ((100 + 50 + 10) / 2, 10)          # the open pause counts nothing yet
    import_lines(database, second)
    import_lines(database, second)                                    # the same file again adds nothing
    assert _handling(database) == (round((100 + 50 + 70 + 10 + 40) / 3, 1), 50)
    import_lines(database, third)                                     # b3's ACW comes in the next file
    import_lines(database, first + second + third)                    # and all of it once more, overlapping
    assert _handling(database) == (round((100 + 50 + 70 + 10 + 40 + 15) / 3, 1), 65)


def test_a_pause_without_its_unpause(database):
    lines = [*_call("c1", T0, "op1", 100), _pause(T0 + 105, "op1"), _unpause(T0 + 110, "op1"),
             *_call("c2", T0 + 200, "op1", 60), _pause(T0 + 265, "op1"), _pause(T0 + 285, "op1"),
             _unpause(T0 + 300, "op1"),                          # the second ACW pause replaces the first
             *_call("c3", T0 + 400, "op1", 40), _pause(T0 + 445, "op1"),
             f"{T0 + 505}|NONE|NONE|op1|AGENTLOGOFF",            # a logoff ends the pause
             f"{T0 + 600}|NONE|NONE|op1|AGENTLOGIN",
             *_call("c4", T0 + 700, "op1", 30), _pause(T0 + 735, "op1")]   # never ended
    import_lines(database, lines)

    acw = _acw_by_call(database)
    assert (acw["c2"], acw["c3"], acw["c4"]) == (15, 60, None)
    assert _handling(database) == ((100 + 60 + 40 + 30 + 5 + 15 + 60) / 4, 80)


def _busy_day(rng: random.Random) -> list[str]:
    lines, moment = [], T0
    for number in range(300):
        moment += rng.randint(10, 400)
        agent, talk = rng.choice(("op1", "op2", "op3")), rng.randint(20, 300)
        fate = rng.random()
        if fate < 0.1:
            lines += [f"{moment}|d{number}|okuyami|NONE|ENTERQUEUE||0441234567|1",
                      f"{moment + 7}|d{number}|okuyami|NONE|ABANDON|1|1|7"]
            continue
        lines += _call(f"d{number}", moment, agent, talk, "BLINDTRANSFER" if fate < 0.2 else "COMPLETEAGENT")
        if fate < 0.8:
            lines += [_pause(moment + 5 + talk, agent), _unpause(moment + 5 + talk + rng.randint(5, 90), agent)]
    return sorted(lines, key=lambda line: int(line.split("|")[0]))


def test_a_file_stored_in_runs_while_it_folds_gives_the_calls_of_the_whole_fold(database, monkeypatch):
    lines = _busy_day(random.Random(16))
    monkeypatch.setattr(streaming, "RUN", 37)
    result = import_lines(database, lines)

    whole = fold_lines(lines).calls
    with database.transaction(write=False) as session:
        stored = {call.call_id: call for call in session.scalars(select(Call))}
    assert result.added == len(whole) == len(stored) == 300
    assert {call_id: (c.outcome, c.wait_s, c.talk_s, c.transferred, c.agent, c.acw_s)
            for call_id, c in stored.items()} == \
        {call_id: (c[OUTCOME], c[WAIT_S], c[TALK_S], c[TRANSFERRED], c[AGENT], c[ACW_S]) for call_id, c in whole.items()}
    assert sum(c[ACW_S] or 0 for c in whole.values()) > 0


def test_a_later_file_imported_before_an_earlier_overlapping_one_counts_each_acw_once(database):
    lines = [*_call("e1", T0, "op1", 100), _pause(T0 + 105, "op1"), _unpause(T0 + 125, "op1"),
             *_call("e2", T0 + 200, "op1", 60), _pause(T0 + 265, "op1"), _unpause(T0 + 290, "op1"),
             *_call("e3", T0 + 400, "op1", 40), _pause(T0 + 445, "op1"), _unpause(T0 + 475, "op1")]
    later = lines[6:]               # from e2's end: e2's ACW pause is op1's first event there, kept as an event
    import_lines(database, later)
    import_lines(database, lines)   # e2 is new here and its ACW pause is stored already

    assert _handling(database) == (round((100 + 60 + 40 + 20 + 25 + 30) / 3, 1), 75)
