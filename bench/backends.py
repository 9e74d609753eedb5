"""Throwaway databases for the benchmarks: a SQLite file in a temp dir and a PostgreSQL database of their own."""
from __future__ import annotations

import sys
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psycopg

from bench.fixtures import PG_ADMIN_URL, fixture_sources, make_registry, sqlalchemy_pg_url
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.registry import ModelRegistry
from engine.runtime import WorkflowRuntime


@dataclass
class Backend:
    name: str
    db: Database
    registry: ModelRegistry
    runtime: WorkflowRuntime

    @property
    def is_postgres(self) -> bool:
        return self.db.dialect == "postgresql"

    @property
    def byte_length_sql(self) -> str:
        """SQL function giving a BLOB/bytea column's size in bytes."""
        return "octet_length" if self.is_postgres else "length"


def _prepared(name: str, db: Database) -> Backend:
    upgrade(db)
    registry = make_registry()
    with db.transaction() as session:
        registry.deploy(session, fixture_sources(), actor="bench")
    return Backend(name, db, registry, WorkflowRuntime(db, registry))


@contextmanager
def sqlite_backend() -> Iterator[Backend]:
    with tempfile.TemporaryDirectory(prefix="okuyami-bench-") as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            yield _prepared("SQLite", db)
        finally:
            db.dispose()


@contextmanager
def postgres_backend() -> Iterator[Backend]:
    name = f"okuyami_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(sqlalchemy_pg_url(name))
    try:
        yield _prepared("PostgreSQL", db)
    finally:
        db.dispose()
        try:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            print(f"warning: could not drop PostgreSQL database {name}: {exc}", file=sys.stderr)
