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
from tests.support import PG_ADMIN_URL, fixture_sources, make_registry, postgres_reachable, sqlalchemy_pg_url

TEST_DATA_KEY = crypto.generate_key()


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


@pytest.fixture(scope="session")
def postgres_database():
    name = f"okuyami_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(sqlalchemy_pg_url(name))
    upgrade(db)
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
    db = request.getfixturevalue("postgres_database")
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db


@pytest.fixture
def registry():
    return make_registry()


@pytest.fixture
def runtime(database, registry) -> WorkflowRuntime:
    """A runtime with the fixture models (review.bpmn + priority.dmn) deployed."""
    with database.transaction() as session:
        registry.deploy(session, fixture_sources(), actor="test-setup")
    return WorkflowRuntime(database, registry, script_timeout_seconds=1.0)
