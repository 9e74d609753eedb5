"""What a load balancer, systemd and Prometheus see: liveness, readiness, metrics, request logs, the database away."""
from __future__ import annotations

import json
import logging
import shutil
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bench.fixtures import PG_ADMIN_URL
from engine.db.types import utcnow
from processes.operations.readiness import beat
from tests.case_support import book


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["X-Request-Id"]


def test_readyz_waits_for_a_worker_seen_within_two_minutes(client, database):
    silent = client.get("/readyz")
    assert silent.status_code == 503
    checks = {c["name"]: c for c in silent.get_json()["checks"]}
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    assert not checks["worker"]["ok"] and checks["worker"]["message"] == "ワーカーが2分以上応答していません"
    with database.transaction() as session:
        beat(session, utcnow() - timedelta(seconds=30))
    checks = {c["name"]: c for c in client.get("/readyz").get_json()["checks"]}
    assert checks["worker"]["ok"] and checks["worker"]["message"] == "ワーカー稼働中"
    assert "converter" in checks


def test_metrics_in_the_prometheus_format_only_from_allowed_addresses(api_app, case_runtime):
    book(case_runtime)
    client = api_app.test_client()
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert 'okuyami_request_seconds_bucket{group="ops"' in body
    assert 'okuyami_open_tasks{role="dept_staff"}' in body
    assert "okuyami_timer_lag_seconds" in body and "okuyami_packet_queue 0.0" in body
    from_outside = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert from_outside.status_code == 404
    assert client.get("/readyz", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 404


def test_each_request_is_one_json_log_line_with_its_id_and_no_ids_from_the_url(client, caplog):
    with caplog.at_level(logging.INFO, logger="okuyami.requests"):
        response = client.get("/api/v1/cases/4711?name=山田", headers={"X-Request-Id": "req-abc"})
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "okuyami.requests"]
    assert line["request_id"] == "req-abc" == response.headers["X-Request-Id"]
    assert line["route"] == "/api/v1/cases/<int:case_id>" and line["status"] == response.status_code
    assert "4711" not in json.dumps(line) and "山田" not in json.dumps(line, ensure_ascii=False)


def _take_database_away(database):
    """The database server goes away (PostgreSQL: no connections accepted and every session ended; SQLite: the file
    unreachable) and comes back; the app is not restarted in between."""
    if database.dialect == "postgresql":
        name = make_url(database.url).database
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))

        def back():
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        return back
    path = Path(make_url(database.url).database)
    database.engine.dispose()
    path.rename(path.with_suffix(".away"))
    path.mkdir()

    def back():
        shutil.rmtree(path)
        path.with_suffix(".away").rename(path)
    return back


def test_while_the_database_is_away_pages_answer_503_in_japanese_and_recover_by_themselves(client, database):
    assert client.get("/login").status_code == 200
    bring_back = _take_database_away(database)
    try:
        page = client.post("/login", data={"username": "x", "password": "y"})
        api = client.get("/api/v1/me", headers={"Authorization": "Bearer nothing"})
        ready = client.get("/readyz")
    finally:
        bring_back()
    assert page.status_code == 503 and page.headers["Retry-After"] == "10"
    assert "ただいまデータベースに接続できません" in page.get_data(as_text=True)
    assert api.status_code == 503 and "データベースに接続できません" in api.get_json()["error"]["message"]
    assert ready.status_code == 503
    assert client.get("/readyz").get_json()["checks"][0] == {"name": "database", "ok": True,
                                                          "message": "データベース接続可"}
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code != 503


def test_only_an_unreachable_database_counts_as_an_outage_not_a_statement_it_refused():
    from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError

    from web.ops import database_outage
    assert database_outage(OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert database_outage(InterfaceError("SELECT 1", {}, Exception("connection already closed")))
    assert not database_outage(DataError("SELECT 1", {}, Exception("integer out of range")))
    assert not database_outage(IntegrityError("INSERT", {}, Exception("duplicate key")))
