"""Search logs: never the operator, a random session id; the zero-hit report; raw logs deleted after 90 days
while the counts stay."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import func, inspect, select

from processes.faq import logs, search
from processes.faq.models import FaqQueryCount, FaqSearchLog
from tests.faq_support import add_item, make_tree

START = datetime(2026, 9, 1, 1, 0, tzinfo=timezone.utc)


def test_a_search_log_holds_the_query_hits_and_a_random_session_never_the_operator(database):
    columns = {c["name"] for c in inspect(database.engine).get_columns("faq_search_logs")}
    assert columns == {"id", "session_id", "query", "normalised", "hits", "at"}
    with database.transaction() as session:
        make_tree(session)
        first = search.search(session, "葬儀代", "operator")
        second = search.search(session, "葬儀代", "operator")
    assert first.session != second.session and len(first.session) >= 16
    with database.transaction(write=False) as session:
        assert [(r.query, r.hits) for r in session.scalars(select(FaqSearchLog))] == [("葬儀代", 0), ("葬儀代", 0)]


def test_the_zero_hit_report_lists_the_most_frequent_first(database):
    with database.transaction() as session:
        tree = make_tree(session)
        add_item(session, tree["予約"], "予約の変更はできますか")
        for query, times in (("葬儀代", 3), ("火葬許可", 1), ("予約", 2)):
            for _ in range(times):
                search.search(session, query, "operator")
    with database.transaction(write=False) as session:
        assert [(c.query, c.zero_hits) for c in logs.zero_hit_report(session)] == [("葬儀代", 3), ("火葬許可", 1)]


def test_raw_logs_are_deleted_after_90_days_and_the_counts_stay(database):
    with database.transaction() as session:
        make_tree(session)
    with time_machine.travel(START, tick=False):
        with database.transaction() as session:
            search.search(session, "葬儀代", "operator")
    with time_machine.travel(START + timedelta(days=60), tick=False):
        with database.transaction() as session:
            search.search(session, "葬儀代", "operator")
    with time_machine.travel(START + timedelta(days=93), tick=False):
        with database.transaction() as session:
            assert logs.purge(session) == 1
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(FaqSearchLog)) == 1
        assert session.get(FaqQueryCount, "葬儀代").zero_hits == 2


def test_a_contact_record_citing_an_item_counts_as_its_use_by_id_or_faq_id(database):
    with database.transaction() as session:
        tree = make_tree(session)
        item = add_item(session, tree["年金・保険"], "遺族年金の請求はどこでできますか。")
        before = item.use_count
        assert logs.cite(session, item.id) and logs.cite(session, f"FAQ-{item.number:06d}")
        assert not logs.cite(session, "FAQ-999999") and not logs.cite(session, 2**40)
    with database.transaction(write=False) as session:
        assert session.get(type(item), item.id).use_count == before + 2


def test_the_worker_nightly_purge_also_deletes_search_logs_older_than_their_retention(database):
    from processes.operations.jobs import nightly_purge
    with database.transaction() as session:
        make_tree(session)
    with time_machine.travel(START, tick=False):
        with database.transaction() as session:
            search.search(session, "葬儀代", "operator")
    with time_machine.travel(START + timedelta(days=93), tick=False):
        nightly_purge(database)
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(FaqSearchLog)) == 0
