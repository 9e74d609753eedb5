"""Writing a fold's rows in bulk and skipping those already stored (the import is idempotent), without an ORM
object, a bound parameter per value or a datetime per row. Times arrive as UNIX seconds and are stored exactly as
engine.db.types.UTCDateTime stores them (PostgreSQL timestamptz; SQLite 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC).

PostgreSQL: binary COPY, a timestamptz sent as what it is on the wire (int8 microseconds since 2000-01-01 UTC), the
data sent by psycopg's writer thread while this one formats the next rows and the server inserts on its own core.
When the caller knows none of the calls is stored yet, they are copied straight into `calls` inside a savepoint
(the unique index still guards: on a duplicate the savepoint is rolled back and the staging path runs); otherwise
they go through a temporary table and one INSERT … ON CONFLICT DO NOTHING. SQLite runs INSERT OR IGNORE through
the driver's executemany in a second thread, fed as the rows are made."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from queue import Queue
from threading import Thread

import psycopg
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy.orm import Session

CALL_COLUMNS = ("call_id", "queue", "entered_at", "answered_at", "ended_at", "wait_s", "talk_s", "outcome",
                "transferred", "agent", "caller_hash", "acw_s")
CALL_TYPES = ("text", "text", "timestamptz", "timestamptz", "timestamptz", "int4", "int4", "text", "bool", "text",
              "text", "int4")
AGENT_COLUMNS = ("agent", "kind", "at", "reason")
AGENT_TYPES = ("text", "text", "timestamptz", "text")
SQLITE_BATCH = 1000
POSTGRESQL_EPOCH = 946684800.0
"""2000-01-01 UTC in UNIX seconds: PostgreSQL's timestamps count microseconds from it."""



@dataclass(frozen=True)
class EncodedRows:
    """Rows already encoded as PostgreSQL's binary COPY stream, its signature and trailer included."""
    chunks: Iterable[bytes]
    count: Callable[[], int]
    """How many rows, once every chunk is out."""


Rows = Callable[[bool], Iterable[tuple] | EncodedRows]
"""Called with True for PostgreSQL (times as PostgreSQL microseconds, or the rows already encoded) or False (UNIX
seconds): the rows, in the columns' order; called again when the rows must be written a second way."""


def postgresql_time(seconds: float | None) -> int | None:
    return None if seconds is None else round((seconds - POSTGRESQL_EPOCH) * 1_000_000)


def _sqlite_time(position: int) -> str:
    """UNIX seconds (parameter ?position) as UTCDateTime's SQLite text, to the microsecond; NULL stays NULL."""
    micro = f"CAST(round(?{position} * 1000000) AS INTEGER)"
    return f"strftime('%Y-%m-%d %H:%M:%S', {micro} / 1000000, 'unixepoch') || printf('.%06d', {micro} % 1000000)"


def _executemany_beside(cursor, statement: str, rows: Iterable[tuple]) -> None:
    """executemany in a second thread, fed in batches by this one as it makes the rows: the driver lets go of the
    interpreter while SQLite writes a row, so the rows are made (here, folded) meanwhile."""
    batches: Queue[list | None] = Queue(maxsize=16)
    failed: list[BaseException] = []

    def fed():
        while (batch := batches.get()) is not None:
            yield from batch

    def write() -> None:
        try:
            cursor.executemany(statement, fed())
        except BaseException as exc:          # handed to the thread that waits for this one
            failed.append(exc)
            while batches.get() is not None:
                pass
    writer = Thread(target=write, name="calls-import-writer")
    writer.start()
    try:
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == SQLITE_BATCH:
                batches.put(batch)
                batch = []
                if failed:
                    break
        batches.put(batch)
    finally:
        batches.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _sqlite_insert(session: Session, table: str, columns: tuple, types: tuple, rows: Iterable[tuple]) -> int:
    values = ", ".join(_sqlite_time(i) if kind == "timestamptz" else f"?{i}"
                       for i, kind in enumerate(types, start=1))
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        before = cursor.connection.total_changes
        _executemany_beside(cursor, f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({values})", rows)
        return cursor.connection.total_changes - before
    finally:
        cursor.close()


def _copy(cursor, table: str, columns: tuple, types: tuple, rows: Iterable[tuple] | EncodedRows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)",
                     writer=QueuedLibpqWriter(cursor)) as copy:
        if isinstance(rows, EncodedRows):
            for chunk in rows.chunks:
                copy.write(chunk)
            return rows.count()
        copy.set_types(["int8" if kind == "timestamptz" else kind for kind in types])
        write = copy.write_row
        for row in rows:
            write(row)
            count += 1
    return count


def _copy_staged(cursor, table: str, columns: tuple, types: tuple, rows: Iterable[tuple] | EncodedRows,
                 conflict: str) -> int:
    staging = f"{table}_in"
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
    cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({', '.join(f'{c} {k}' for c, k in zip(columns, types))})"
                   " ON COMMIT DROP")
    _copy(cursor, staging, columns, types, rows)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {staging} "
                   f"ON CONFLICT ({conflict}) DO NOTHING")
    added = cursor.rowcount
    cursor.execute(f"DROP TABLE {staging}")
    return added


def _postgresql_insert(session: Session, table: str, columns: tuple, types: tuple, rows: Rows, conflict: str,
                       none_stored: bool) -> int:
    with session.connection().connection.driver_connection.cursor() as cursor:
        if none_stored:
            cursor.execute("SAVEPOINT bulk_copy")
            try:
                added = _copy(cursor, table, columns, types, rows(True))
            except psycopg.errors.UniqueViolation:
                cursor.execute("ROLLBACK TO SAVEPOINT bulk_copy")
            else:
                cursor.execute("RELEASE SAVEPOINT bulk_copy")
                return added
        return _copy_staged(cursor, table, columns, types, rows(True), conflict)


def _insert(session: Session, table: str, columns: tuple, types: tuple, rows: Rows, conflict: str,
            none_stored: bool = False) -> int:
    if session.connection().dialect.name == "postgresql":
        return _postgresql_insert(session, table, columns, types, rows, conflict, none_stored)
    return _sqlite_insert(session, table, columns, types, rows(False))


def insert_calls(session: Session, rows: Rows, none_stored: bool = False) -> int:
    """Rows in CALL_COLUMNS order; a call id already stored is skipped. `none_stored`: the caller found none of
    these calls stored (a unique violation still falls back to skipping). How many were added."""
    return _insert(session, "calls", CALL_COLUMNS, CALL_TYPES, rows, "call_id", none_stored)


def insert_agent_events(session: Session, rows: list[tuple], none_stored: bool = False) -> int:
    """(agent, kind, UNIX seconds, reason) rows; one already stored (same agent, kind and moment) is skipped.
    `none_stored`: as for insert_calls."""
    if not rows:
        return 0

    def converted(postgresql: bool) -> Iterable[tuple]:
        if not postgresql:
            return rows
        return ((agent, kind, postgresql_time(at), reason) for agent, kind, at, reason in rows)
    return _insert(session, "agent_events", AGENT_COLUMNS, AGENT_TYPES, converted, "at, agent, kind", none_stored)
