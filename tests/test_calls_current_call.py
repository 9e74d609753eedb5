"""The call an operator is on now: the latest call the exchange connected to that operator within the last hours,
found by the moment it entered the queue (a long wait in the queue included), never another operator's."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from processes.calls.current_call import current_call
from processes.calls.models import Call

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


def _call(session, call_id: str, agent: str, entered_minutes_ago: int, answered_minutes_ago: int) -> None:
    session.add(Call(call_id=call_id, queue="okuyami", agent=agent, entered_at=NOW - timedelta(minutes=entered_minutes_ago),
                     answered_at=NOW - timedelta(minutes=answered_minutes_ago)))


def test_the_operators_latest_answered_call_even_after_a_long_wait(database):
    with database.transaction() as session:
        _call(session, "old", "op", 200, 190)            # answered over two hours ago: not on the line now
        _call(session, "waited", "op", 150, 20)          # two and a half hours in the queue, answered 20 min ago
        _call(session, "other", "op2", 10, 5)            # another operator's
    with database.transaction(write=False) as session:
        assert current_call(session, "op", NOW).call_id == "waited"
        assert current_call(session, "op2", NOW).call_id == "other"
        assert current_call(session, "op3", NOW) is None
