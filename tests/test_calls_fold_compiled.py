"""The compiled import (processes/calls/*_compiled.pyx, built by scripts/setup) against its Python reference: the
fold leaves exactly what the reference leaves for the same lines (the hand-computed day, a long generated stretch,
random and broken lines, an earlier import's kept pauses), and the calls stored through the compiled COPY stream are
the rows the reference's row-by-row path stores."""
from __future__ import annotations

import random
from datetime import datetime

import pytest
from sqlalchemy import select, text

from processes.calendar.slots import JST
from processes.calls import importer, queue_log
from processes.calls.models import Call
from processes.calls.queue_log import Fold, finish_fold, reference_fold_run, reference_fold_text_run
from tests.support import FIXTURES

T0 = int(datetime(2026, 12, 1, 9, 0, tzinfo=JST).timestamp())
EVENTS = ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY",
          "EXITWITHKEY", "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "RINGNOANSWER", "AGENTLOGIN", "AGENTLOGOFF",
          "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "CONFIGRELOAD", "QUEUESTART"]
ODD_NUMBERS = ["", "5", "12", "007", "1e2", "3.7", "-4", " 9 ", "１２", "x", "nan", "inf", "1_0", "99999999999",
               "2147483647", "2147483648", "4" * 30, "٣"]
ODD_TIMES = ["{t}", "{t}", "{t}", "{t}.250", " {t}", "{t}.", "-1", "x{t}", "", "1e3", "99999999999999", "nan",
             "１７"]


def _both(lines: list[str], stored: frozenset = frozenset(), first: int = 1) -> tuple[Fold, Fold]:
    folds = []
    for run in (reference_fold_run, queue_log.fold_run):
        fold = Fold()
        half = len(lines) // 2
        run(lines[:half], first, fold, stored)          # two runs: what one run leaves open the next one ends
        run(lines[half:], first + half, fold, stored)
        folds.append(finish_fold(fold))
    return folds[0], folds[1]


def _same(expected: Fold, actual: Fold) -> None:
    assert list(actual.calls.items()) == list(expected.calls.items())
    assert actual.agents == expected.agents
    assert actual.malformed == expected.malformed
    assert (actual.lines, actual.last_at, actual.folded_from, actual.folded_to) == \
        (expected.lines, expected.last_at, expected.folded_from, expected.folded_to)
    assert actual.acw == expected.acw
    assert actual.other_pause == expected.other_pause
    assert list(actual.last_ended.items()) == list(expected.last_ended.items())


def _random_line(rng: random.Random, moment: int) -> str:
    event = rng.choice(EVENTS)
    if rng.random() < 0.05:
        event = event.lower()
    call = rng.choice(["1.1", "1.2", "2.1", "3.7", "NONE", "", "ｶ.1"])
    agent = rng.choice(["agent01", "agent02", "NONE", "", "山田"])
    fields = [rng.choice(ODD_TIMES).format(t=moment) if rng.random() < 0.1 else str(moment), call, "okuyami", agent,
              event]
    for _ in range(rng.randint(0, 5)):
        fields.append(rng.choice(ODD_NUMBERS + ["ACW", "acw", "Lunch", "0441234567", "ｱ" * 50]))
    line = "|".join(fields)
    roll = rng.random()
    if roll < 0.02:
        return line.split("|", 2)[0]                    # too few fields
    if roll < 0.03:
        return "   "
    if roll < 0.04:
        return line + "\udcff"                          # a lone surrogate, as errors="surrogateescape" leaves
    return line


def test_the_compiled_fold_and_rows_are_built_and_in_use():
    assert queue_log.fold_run is not reference_fold_run
    assert queue_log.fold_text_run is not reference_fold_text_run
    assert type(queue_log.fold_run).__name__ == "cython_function_or_method"
    assert importer.binary_call_rows is not None


def test_the_hand_computed_day_folds_the_same():
    lines = (FIXTURES / "calls" / "queue_log_day.txt").read_text(encoding="utf-8").splitlines()
    expected, actual = _both(lines)
    assert expected.calls and expected.agents
    _same(expected, actual)


def test_a_long_busy_stretch_folds_the_same():
    rng, lines, moment = random.Random(7), [], T0
    for number in range(3000):
        moment += rng.randint(0, 90)
        call, agent, wait, talk = f"{number}.1", f"agent{rng.randint(1, 8):02d}", rng.randint(0, 30), rng.randint(5, 600)
        lines.append(f"{moment}|{call}|okuyami|NONE|ENTERQUEUE||044{rng.randint(1000000, 9999999)}|1")
        end = rng.choice(["COMPLETECALLER", "COMPLETEAGENT", "ABANDON", "BLINDTRANSFER", "EXITWITHKEY"])
        if end == "ABANDON":
            lines.append(f"{moment + wait}|{call}|okuyami|NONE|ABANDON|1|1|{wait}")
        elif end == "EXITWITHKEY":
            lines.append(f"{moment + wait}|{call}|okuyami|NONE|EXITWITHKEY|1|1|1|{wait}")
        else:
            lines.append(f"{moment + wait}|{call}|okuyami|{agent}|CONNECT|{wait}|{call}.2|2")
            tail = f"ctx|{wait}|{talk}|1" if end == "BLINDTRANSFER" else f"{wait}|{talk}|1"
            lines.append(f"{moment + wait + talk}|{call}|okuyami|{agent}|{end}|{tail}")
            if rng.random() < 0.7:
                lines.append(f"{moment + wait + talk}|NONE|NONE|{agent}|PAUSE|{rng.choice(['ACW', 'acw', 'Lunch'])}")
                lines.append(f"{moment + wait + talk + rng.randint(1, 90)}|NONE|NONE|{agent}|UNPAUSE|")
    expected, actual = _both(lines)
    assert len(expected.calls) == 3000
    assert any(call[queue_log.ACW_S] for call in expected.calls.values())
    _same(expected, actual)


@pytest.mark.parametrize("seed", range(12))
def test_random_and_broken_lines_fold_the_same(seed):
    rng = random.Random(seed)
    lines = [_random_line(rng, T0 + step * rng.randint(0, 40)) for step in range(1500)]
    expected, actual = _both(lines, first=rng.randint(1, 50))
    assert expected.malformed
    _same(expected, actual)


@pytest.mark.parametrize("seed", range(6))
def test_a_text_of_lines_folds_as_its_lines(seed):
    rng = random.Random(100 + seed)
    lines = [_random_line(rng, T0 + step * rng.randint(0, 40)).replace("\udcff", "ÿ") for step in range(800)]
    breaks = [rng.choice(["\n", "\r\n", "\n", "\r\r\n"]) for _ in lines]
    text = "".join(line + brk for line, brk in zip(lines, breaks))
    for block in (text, text[:-1], text + "\n\n", "\n" + text + "1764547200|x|q|a|PAUSE|ACW\r", "",
                  text + "1764547200|1.1|q|a\udcff|CONNECT|2\n"):
        folds, counts = [], []
        for run in (reference_fold_text_run, queue_log.fold_text_run):
            fold = Fold()
            counts.append(run(block, 7, fold))
            folds.append(finish_fold(fold))
        assert counts[0] == counts[1] == len(queue_log.text_lines(block))
        _same(folds[0], folds[1])


def test_pauses_an_earlier_import_kept_fold_the_same():
    lines = [f"{T0}|9.1|okuyami|NONE|ENTERQUEUE||0441234567|1", f"{T0 + 3}|9.1|okuyami|agent01|CONNECT|3|x|1",
             f"{T0 + 60}|9.1|okuyami|agent01|COMPLETECALLER|3|57|1", f"{T0 + 60}|NONE|NONE|agent01|PAUSE|ACW",
             f"{T0 + 90}|NONE|NONE|agent01|UNPAUSE|", f"{T0 + 100}|NONE|NONE|agent01|PAUSE|ACW",
             f"{T0 + 120}|NONE|NONE|agent01|UNPAUSE|"]
    for stored in (frozenset(), frozenset({("agent01", float(T0 + 60))}), frozenset({("agent01", float(T0 + 100))})):
        expected, actual = _both(lines, stored)
        _same(expected, actual)


def test_a_wait_too_large_for_its_column_is_a_malformed_line_not_a_wrong_figure():
    lines = [f"{T0}|5.1|okuyami|NONE|ENTERQUEUE||0441234567|1", f"{T0 + 4}|5.1|okuyami|agent01|CONNECT|99999999999|x|1",
             f"{T0 + 64}|5.1|okuyami|agent01|COMPLETECALLER|4|60|1"]
    expected, actual = _both(lines)
    _same(expected, actual)
    assert actual.malformed == [(2, "秒数が大きすぎます「99999999999」")]
    assert actual.calls["5.1"][queue_log.WAIT_S] == 4


@pytest.fixture
def postgres(empty_postgres_database):
    return empty_postgres_database


def _stored_calls(database) -> list[tuple]:
    with database.transaction(write=False) as session:
        return [tuple(row) for row in session.execute(
            select(Call.call_id, Call.queue, Call.entered_at, Call.answered_at, Call.ended_at, Call.wait_s, Call.talk_s,
                   Call.outcome, Call.transferred, Call.agent, Call.caller_hash, Call.acw_s).order_by(Call.call_id))]


def test_calls_stored_through_the_compiled_copy_stream_are_the_reference_rows(postgres, monkeypatch):
    rng, lines, moment = random.Random(3), [], T0
    for number in range(4000):                        # enough rows for several chunks of the stream
        moment += rng.randint(0, 40)
        call, agent = f"{number}.{rng.randint(1, 9)}", rng.choice(["agent01", "山田", ""])
        caller = rng.choice(["", "0441234567", f"090{rng.randint(10000000, 99999999)}"])
        lines.append(f"{moment}.{rng.randint(0, 999999):06d}|{call}|{rng.choice(['okuyami', ''])}|NONE|ENTERQUEUE||"
                     f"{caller}|1")
        if rng.random() < 0.2:
            lines.append(f"{moment + 3}|{call}|okuyami|NONE|ABANDON|1|1|3")
        elif rng.random() < 0.9:
            lines.append(f"{moment + 2}|{call}|okuyami|{agent}|CONNECT|2|x|1")
            if rng.random() < 0.8:
                lines.append(f"{moment + 62}|{call}|okuyami|{agent}|ATTENDEDTRANSFER|1002|ctx|2|60")
            lines.append(f"{moment + 62}|NONE|NONE|{agent}|PAUSE|ACW")
            lines.append(f"{moment + 70}|NONE|NONE|{agent}|UNPAUSE|")
    compiled = importer.import_lines(postgres, lines)
    rows = _stored_calls(postgres)
    with postgres.engine.begin() as connection:
        connection.execute(text("SELECT okuyami_test_empty_every_table()"))
    monkeypatch.setattr(importer, "binary_call_rows", None)
    reference = importer.import_lines(postgres, lines)
    assert (compiled.added, compiled.duplicates, compiled.malformed) == \
        (reference.added, reference.duplicates, reference.malformed)
    assert compiled.added == len(rows) == 4000
    assert rows == _stored_calls(postgres)
    assert any(row[11] for row in rows) and any(row[3] is None for row in rows) and any(row[10] for row in rows)
