"""Engines and transactions. Every user action runs in exactly one `Database.transaction()`."""
from __future__ import annotations

import select
import time
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

_SQLITE_BUSY_TIMEOUT_MS = 30_000
# A pooled PostgreSQL connection idle for longer than this is pinged before use (a firewall or a failover may have
# dropped it without a word); one used more recently is pinged only when the server has written to it.
_IDLE_BEFORE_PING_SECONDS = 30.0
_IDLE_SINCE = "okuyami_idle_since"
_first_transaction_check: ContextVar[tuple["Database", Callable[[Session], None]] | None] = ContextVar(
    "okuyami_first_transaction_check", default=None)


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


def _server_has_written(dbapi_connection) -> bool:
    """True when an idle connection has something to read: the server only writes to one it is closing (a
    terminated backend's FATAL message, then end of file), or with a notice; a poll, no round trip."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    poller = select.poll()
    poller.register(dbapi_connection.pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


def _configure_postgresql(engine: Engine) -> None:
    """Instead of SQLAlchemy's pre-ping (a round trip on every checkout): a connection the server has closed, or
    one idle for long, is pinged; if the ping fails, the pool replaces it and every connection older than it."""

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):
        idle = time.monotonic() - record.info.get(_IDLE_SINCE, 0.0)
        if idle < _IDLE_BEFORE_PING_SECONDS and not _server_has_written(dbapi_connection):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise InvalidatePoolError(f"connection lost: {type(exc).__name__}") from exc
        if not alive:
            raise InvalidatePoolError("connection lost")


_AFTER_COMMIT, _SAVEPOINTS, _TRANSACTION_INFO = "okuyami_after_commit", "okuyami_savepoints", "okuyami_transaction"


def _savepoint_started(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS, []).append(len(session.info.get(_AFTER_COMMIT, ())))


def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():   # a savepoint released: the callbacks wait for the real commit
        session.info.get(_SAVEPOINTS, [0]).pop()
        return
    session.info.pop(_TRANSACTION_INFO, None)
    session.info.pop(_SAVEPOINTS, None)
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


def _forget_after_commit(session: Session, *_args) -> None:
    if session.in_nested_transaction():   # back to a savepoint: forget what was registered since
        started = session.info.get(_SAVEPOINTS, [0]).pop()
        del session.info.get(_AFTER_COMMIT, [])[started:]
        return
    session.info.pop(_TRANSACTION_INFO, None)
    session.info.pop(_SAVEPOINTS, None)
    session.info.pop(_AFTER_COMMIT, None)


def after_commit(session: Session, callback) -> None:
    """Run `callback` once this session's transaction has committed (not when a savepoint is released); forget it
    if the transaction, or the savepoint it was registered under, rolls back."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def transaction_info(session: Session) -> dict:
    """A dict that lasts as long as the session's current transaction: emptied when it commits or rolls back."""
    return session.info.setdefault(_TRANSACTION_INFO, {})


class Database:
    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        if url.startswith("sqlite"):
            database = url.split("///", 1)[-1]
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, **engine_kwargs)
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine)
        elif self.engine.dialect.name == "postgresql" and not engine_kwargs.get("pool_pre_ping"):
            _configure_postgresql(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "after_commit", _run_after_commit)
        event.listen(self._sessions, "after_rollback", _forget_after_commit)
        event.listen(self._sessions, "after_transaction_create", _savepoint_started)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def checking_first_transaction(self, check: Callable[[Session], None]) -> Iterator[None]:
        """Inside the block, the first transaction this thread (or task) opens on this database runs `check(session)`
        before anything else, in that transaction; an exception from it rolls the transaction back."""
        reset = _first_transaction_check.set((self, check))
        try:
            yield
        finally:
            _first_transaction_check.reset(reset)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any exception."""
        session = self._sessions()
        try:
            if write:
                session.connection(execution_options={"okuyami_write": True})
            pending = _first_transaction_check.get()
            if pending is not None and pending[0] is self:
                _first_transaction_check.set(None)
                pending[1](session)
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
