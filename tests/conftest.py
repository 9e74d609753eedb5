"""Fixtures. Every test that asks for `database` runs once on SQLite and once on PostgreSQL (when reachable;
in CI, CI=true, PostgreSQL is required and its absence fails the run)."""
from __future__ import annotations

import os
import shutil
import uuid

import psycopg
import pytest
from sqlalchemy import text

from engine import crypto
from engine.db.base import Base
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.runtime import WorkflowRuntime
from tests.support import (
    FIXTURES,
    PG_ADMIN_URL,
    TEST_DATA_KEY,
    fixture_sources,
    make_registry,
    postgres_reachable,
    sqlalchemy_pg_url,
)

pytest_plugins = ["tests.case_support", "tests.api_support", "tests.page_support", "tests.smtp_support",
                  "tests.browser_support", "tests.reports_support", "pytester"]


def _backends() -> list[str]:
    if postgres_reachable():
        return ["sqlite", "postgresql"]
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError("CI=true but PostgreSQL at 127.0.0.1:5432 is not reachable: database tests "
                                "must run on PostgreSQL in CI")
    return ["sqlite"]


def pytest_configure(config):
    config._okuyami_backends = _backends()


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", metafunc.config._okuyami_backends, scope="session")


@pytest.fixture(scope="session", autouse=True)
def data_key():
    crypto.configure([TEST_DATA_KEY])
    return TEST_DATA_KEY


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


def _empty_every_table_function() -> str:
    """A function that empties the tables and restarts their ids as TRUNCATE … RESTART IDENTITY CASCADE would, in
    about a hundredth of its time: TRUNCATE gives each of the ~60 tables a new file (a second per test on a busy
    machine), while a DELETE of a table a test left empty costs next to nothing. Foreign keys are not checked
    (session_replication_role), since every table is emptied."""
    deletes = "\n  ".join(f"DELETE FROM {table.name};" for table in reversed(Base.metadata.sorted_tables))
    return f"""CREATE FUNCTION okuyami_test_empty_every_table() RETURNS void LANGUAGE plpgsql AS $$
DECLARE used record;
BEGIN
  SET LOCAL session_replication_role = replica;
  {deletes}
  FOR used IN SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL
                AND schemaname = current_schema() LOOP
    PERFORM setval(format('%I.%I', used.schemaname, used.sequencename), 1, false);
  END LOOP;
END $$"""


@pytest.fixture(scope="session")
def postgres_database():
    name = f"okuyami_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(sqlalchemy_pg_url(name))
    upgrade(db)
    with db.engine.begin() as connection:
        connection.execute(text(_empty_every_table_function()))
    yield db
    db.dispose()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(backend, request, tmp_path) -> Database:
    """A migrated, empty database of the parametrized backend."""
    if backend == "sqlite":
        path = tmp_path / "okuyami.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
        return
    yield request.getfixturevalue("empty_postgres_database")


@pytest.fixture
def empty_postgres_database(postgres_database) -> Database:
    """The session's PostgreSQL database, emptied: for a module about PostgreSQL alone, whose `database` fixture
    returns it (so that the app fixtures built on `database` use it too)."""
    with postgres_database.engine.begin() as connection:
        connection.execute(text("SELECT okuyami_test_empty_every_table()"))
    return postgres_database


@pytest.fixture
def registry():
    return make_registry()


@pytest.fixture
def runtime(database, registry) -> WorkflowRuntime:
    """A runtime with the fixture models (review.bpmn + priority.dmn) deployed."""
    with database.transaction() as session:
        registry.deploy(session, fixture_sources(), actor="test-setup")
    return WorkflowRuntime(database, registry, script_timeout_seconds=1.0)


@pytest.fixture
def instance_dir(tmp_path, database, data_key):
    """An instance folder whose okuyami.toml points at the test database (for CLI and app tests)."""
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "test-secret-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n'
        f'forms_dir = "{FIXTURES / "forms"}"\n',
        encoding="utf-8")
    return folder


@pytest.fixture
def platform(instance_dir, database, runtime, registry):
    from engine.settings import load_settings
    from processes.platform import Platform

    settings = load_settings(instance_dir, environ={})
    return Platform(settings, database, registry, runtime)


@pytest.fixture
def app(platform):
    from web import create_app

    flask_app = create_app(platform=platform)
    flask_app.config.update(TESTING=True)
    return flask_app


@pytest.fixture
def client(app):
    return app.test_client()
