"""Writing a fold's rows in bulk and skipping those already stored (the import is idempotent), without an ORM
object, a bound parameter per value or a datetime per row: PostgreSQL copies the rows into a temporary table
(COPY) and inserts them with one INSERT … ON CONFLICT DO NOTHING; SQLite runs INSERT OR IGNORE through the
driver's executemany. Times arrive as UNIX seconds and the database makes them timestamps, stored exactly as
engine.db.types.UTCDateTime stores them (PostgreSQL timestamptz; SQLite 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC)."""
from __future__ import annotations

from sqlalchemy.orm import Session

CALL_COLUMNS = ("call_id", "queue", "entered_at", "answered_at", "ended_at", "wait_s", "talk_s", "outcome",
                "transferred", "agent", "caller_hash")
CALL_TYPES = ("text", "text", "float8", "float8", "float8", "integer", "integer", "text", "boolean", "text", "text")
AGENT_COLUMNS = ("agent", "kind", "at", "reason")
AGENT_TYPES = ("text", "text", "float8", "text")


def _sqlite_time(position: int) -> str:
    """UNIX seconds (parameter ?position) as UTCDateTime's SQLite text, to the microsecond; NULL stays NULL."""
    micro = f"CAST(round(?{position} * 1000000) AS INTEGER)"
    return f"strftime('%Y-%m-%d %H:%M:%S', {micro} / 1000000, 'unixepoch') || printf('.%06d', {micro} % 1000000)"


def _sqlite_insert(session: Session, table: str, columns: tuple, types: tuple, rows: list[tuple]) -> int:
    values = ", ".join(_sqlite_time(i) if kind == "float8" else f"?{i}" for i, kind in enumerate(types, start=1))
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        before = cursor.connection.total_changes
        cursor.executemany(f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({values})", rows)
        return cursor.connection.total_changes - before
    finally:
        cursor.close()


def _postgresql_insert(session: Session, table: str, columns: tuple, types: tuple, rows: list[tuple],
                       conflict: str) -> int:
    staging = f"{table}_in"
    selected = ", ".join(f"to_timestamp({c})" if kind == "float8" else c for c, kind in zip(columns, types))
    with session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({', '.join(f'{c} {k}' for c, k in zip(columns, types))})"
                       " ON COMMIT DROP")
        with cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selected} FROM {staging} "
                       f"ON CONFLICT ({conflict}) DO NOTHING")
        added = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
    return added


def _insert(session: Session, table: str, columns: tuple, types: tuple, rows: list[tuple], conflict: str) -> int:
    if not rows:
        return 0
    if session.connection().dialect.name == "postgresql":
        return _postgresql_insert(session, table, columns, types, rows, conflict)
    return _sqlite_insert(session, table, columns, types, rows)


def insert_calls(session: Session, rows: list[tuple]) -> int:
    """Rows in CALL_COLUMNS order (times as UNIX seconds); a call id already stored is skipped. How many were added."""
    return _insert(session, "calls", CALL_COLUMNS, CALL_TYPES, rows, "call_id")


def insert_agent_events(session: Session, rows: list[tuple]) -> int:
    """(agent, kind, UNIX seconds, reason) rows; one already stored (same agent, kind and moment) is skipped."""
    return _insert(session, "agent_events", AGENT_COLUMNS, AGENT_TYPES, rows, "at, agent, kind")
