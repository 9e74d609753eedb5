"""PostgreSQL connections taken from the pool are not pinged on every use (a round trip per request): only one the
server has closed or written to, or one idle for long. A backend killed while its connection sat in the pool is
replaced before the next request uses it, so that request succeeds."""
from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from engine.db import session as session_module
from tests.support import PG_ADMIN_URL


@pytest.fixture
def database(empty_postgres_database):
    """The pool's liveness check is PostgreSQL's: every test here (and the API app) on PostgreSQL alone."""
    return empty_postgres_database


@pytest.fixture
def pg(database):
    return database


def _backend_pid(database) -> int:
    with database.transaction(write=False) as session:
        return session.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _kill_every_backend_of(database) -> None:
    """pg_terminate_backend for each of the database's connections, until each is gone from pg_stat_activity."""
    name = make_url(database.url).database
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        pids = [row[0] for row in admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                                "AND pid <> pg_backend_pid()", (name,))]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 30
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)).fetchone()[0]:
            assert time.monotonic() < deadline, "the terminated backends did not end"
            time.sleep(0.05)
    assert pids


@pytest.fixture
def pings(pg, monkeypatch):
    counted = []
    real = type(pg.engine.dialect).do_ping

    def counting(dialect, dbapi_connection):
        counted.append(dbapi_connection)
        return real(dialect, dbapi_connection)

    monkeypatch.setattr(type(pg.engine.dialect), "do_ping", counting)
    return counted


def test_a_connection_used_a_moment_ago_is_not_pinged(pg, pings):
    for _ in range(10):            # every connection the pool holds used just now (it hands them out in turn)
        _backend_pid(pg)
    pings.clear()
    for _ in range(3):
        assert _backend_pid(pg) > 0
    assert pings == []


def test_a_connection_idle_for_long_is_pinged_first(pg, pings, monkeypatch):
    _backend_pid(pg)
    pings.clear()
    monkeypatch.setattr(session_module, "_IDLE_BEFORE_PING_SECONDS", 0.0)
    _backend_pid(pg)
    assert len(pings) == 1


def test_a_killed_backend_is_replaced_before_the_next_transaction_uses_it(pg):
    before = _backend_pid(pg)
    _kill_every_backend_of(pg)
    assert _backend_pid(pg) != before


def test_the_next_api_request_after_every_backend_was_killed_succeeds(api, pg):
    assert api.get("/tasks", "op").status_code == 200
    assert api.get("/me", "op").status_code == 200
    _kill_every_backend_of(pg)
    assert api.get("/tasks", "op").status_code == 200
    assert api.get("/tasks", "op").status_code == 200
