"""The city's phone figures from a hand-computed queue_log (tests/fixtures/calls/queue_log_day.txt, 1 Dec 2026 JST):

c1 answered after 5 s (talk 120), c2 after exactly 10 s (talk 180), c3 after 11 s then transferred (talk 60),
c4 abandoned after 3 s (a short abandon), c5 abandoned after 30 s, c6 timed out at 10:01, c7 entered at 23:59:55
and answered after 8 s on 2 Dec (talk 60). After-call work (PAUSE ACW … UNPAUSE): 30 + 20 + 30 s.
Two lines are malformed (lines 10 and 23)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from processes.calendar.slots import JST
from processes.callcentre.models import ContactRecord
from processes.calls.importer import follow_file, import_file, import_lines
from processes.calls.live import waiting_now
from processes.calls.models import Call
from processes.calls.statistics import Period, by_day, by_operator, statistics
from tests.support import FIXTURES

DAY_LOG = FIXTURES / "calls" / "queue_log_day.txt"
DECEMBER_1 = Period(date(2026, 12, 1), date(2026, 12, 1))


def figures(database, period=DECEMBER_1, agent=None) -> dict:
    with database.transaction(write=False) as session:
        return statistics(session, period, agent)


def test_import_counts_calls_and_names_the_malformed_lines(database):
    result = import_file(database, DAY_LOG)

    assert result.added == 7
    assert [number for number, _ in result.malformed] == [10, 23]
    assert "5項目" in result.malformed[0][1] and "時刻" in result.malformed[1][1]


def test_the_same_file_twice_counts_each_call_once(database):
    import_file(database, DAY_LOG)
    again = import_file(database, DAY_LOG)

    assert (again.added, again.duplicates) == (0, 7)
    assert figures(database)["offered"] == 7


def test_overlapping_files_complete_the_calls_still_open(database):
    lines = DAY_LOG.read_text().splitlines(keepends=True)
    first = import_lines(database, lines[:34])                       # c7 entered and connected, not yet ended
    rest = import_lines(database, lines)

    assert first.added == 7 and rest.added == 0 and rest.completed == 1
    with database.transaction(write=False) as session:
        c7 = session.scalar(select(Call).where(Call.call_id == "c7"))
    assert (c7.outcome, c7.talk_s, c7.wait_s) == ("answered", 60, 8)


def test_caller_numbers_are_kept_only_as_a_keyed_hash(database):
    import_file(database, DAY_LOG)

    with database.transaction(write=False) as session:
        hashes = session.execute(select(Call.caller_hash, func.count()).group_by(Call.caller_hash)).all()
        stored = " ".join(str(v) for row in session.execute(select(Call)).scalars() for v in vars(row).values())
    assert "0441234567" not in stored and "1234567" not in stored
    assert sorted(count for _, count in hashes) == [1, 1, 1, 1, 3]      # c1, c2 and c7 came from one number


def test_service_level_counts_exactly_10_seconds_in_and_11_out_with_abandons_offered(database):
    import_file(database, DAY_LOG)
    result = figures(database)

    assert (result["offered"], result["answered"], result["answered_within_10s"]) == (7, 4, 3)
    assert result["service_level"] == pytest.approx(3 / 7)
    assert (result["abandoned"], result["short_abandoned"], result["unanswered_other"]) == (2, 1, 1)
    assert result["transferred"] == 1


def test_speed_of_answer_talk_and_handling_times(database):
    import_file(database, DAY_LOG)
    result = figures(database)

    assert result["average_speed_of_answer_s"] == 8.5                  # (5 + 10 + 11 + 8) / 4
    assert result["average_talk_time_s"] == 105.0                       # (120 + 180 + 60 + 60) / 4
    assert result["average_handling_time_s"] == 125.0                   # (420 talk + 80 ACW) / 4


def test_a_call_spanning_midnight_counts_on_the_day_it_entered(database):
    import_file(database, DAY_LOG)
    hours = {h["hour"]: h for h in figures(database)["by_hour"]}
    december_2 = figures(database, Period(date(2026, 12, 2), date(2026, 12, 2)))

    assert (hours[23]["offered"], hours[23]["answered"], hours[23]["handled"]) == (1, 1, 0)
    assert hours[0]["handled"] == 1                                     # it ended after midnight
    assert (hours[9]["offered"], hours[9]["answered"], hours[9]["handled"]) == (5, 3, 3)
    assert (hours[10]["offered"], hours[10]["answered"]) == (1, 0)
    assert december_2["offered"] == 0 and december_2["service_level"] is None


def test_each_operators_figures(database):
    import_file(database, DAY_LOG)
    with database.transaction(write=False) as session:
        operators = {row["operator"]: row for row in by_operator(session, DECEMBER_1)}

    assert (operators["op1"]["answered"], operators["op1"]["average_talk_time_s"]) == (3, 80.0)
    assert operators["op1"]["average_handling_time_s"] == pytest.approx((240 + 50) / 3, abs=0.1)
    assert (operators["op2"]["answered"], operators["op2"]["average_handling_time_s"]) == (1, 210.0)


def test_days_of_a_period(database):
    import_file(database, DAY_LOG)
    with database.transaction(write=False) as session:
        days = by_day(session, Period(date(2026, 11, 30), date(2026, 12, 2)))

    assert [(d["date"], d["offered"], d["answered_within_10s"]) for d in days] == [("2026-12-01", 7, 3)]


def _contact(session, outcome: str, channel: str = "phone") -> None:
    at = datetime(2026, 12, 1, 10, 0, tzinfo=JST)
    session.add(ContactRecord(channel=channel, counterpart_type="citizen", operator="op1", started_at=at,
                              ended_at=at, category="", question="", answer="", outcome=outcome, faq_ids=[],
                              related_contact_ids=[], handover_note="", closed_reason="", department_answer=""))


def test_first_contact_resolution_from_the_phone_contacts_recorded(database):
    assert figures(database)["first_contact_resolution"] is None      # no contacts: no figure

    with database.transaction() as session:
        for outcome in ("answered", "handed_over", "transferred", "centre_callback"):
            _contact(session, outcome)
        _contact(session, "centre_callback", channel="fax")          # not a phone contact

    assert figures(database)["first_contact_resolution"] == pytest.approx(3 / 4)


def test_following_a_growing_file_completes_calls_and_counts_lines_on(database, tmp_path):
    lines = DAY_LOG.read_text().splitlines(keepends=True)
    growing = tmp_path / "queue_log"
    growing.write_text("".join(lines[:33]))                  # c7 has just entered the queue
    first = follow_file(database, growing, passes=1)
    with database.transaction(write=False) as session:
        waiting, longest = waiting_now(session, datetime(2026, 12, 2, 0, 0, 0, tzinfo=JST))
    with open(growing, "a") as handle:
        handle.write("".join(lines[33:]) + "1796137999|c8|okuyami|NONE|ENTER")          # a line still being written
    second = follow_file(database, growing, passes=1)

    assert (first.added, [n for n, _ in first.malformed]) == (7, [10, 23])
    assert (waiting, longest) == (1, 5)                       # the supervisor sees it waiting for 5 s
    assert (second.added, second.completed, second.malformed) == (0, 1, [])
    assert figures(database)["average_talk_time_s"] == 105.0
