"""Engines and transactions. Every user action runs in exactly one `Database.transaction()`."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

_SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take over transaction control from pysqlite so that BEGIN IMMEDIATE can be issued for writers.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take the write lock up front: a second writer waits instead of failing mid-transaction
        # with SQLITE_BUSY after it has already read a stale version.
        mode = "IMMEDIATE" if connection.get_execution_options().get("okuyami_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("okuyami_after_commit", [])
    for callback in callbacks:
        callback()


def _forget_after_commit(session: Session, *_args) -> None:
    session.info.pop("okuyami_after_commit", None)


def after_commit(session: Session, callback) -> None:
    """Run `callback` once this session's transaction has committed; forget it if the transaction rolls back."""
    session.info.setdefault("okuyami_after_commit", []).append(callback)


class Database:
    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        if url.startswith("sqlite"):
            database = url.split("///", 1)[-1]
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            engine_kwargs.setdefault("pool_pre_ping", True)
        self.engine = create_engine(url, **engine_kwargs)
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "after_commit", _run_after_commit)
        event.listen(self._sessions, "after_rollback", _forget_after_commit)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any exception."""
        session = self._sessions()
        try:
            if write:
                session.connection(execution_options={"okuyami_write": True})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def create_database(url: str, **engine_kwargs) -> Database:
    return Database(url, **engine_kwargs)
