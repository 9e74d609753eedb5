"""The runtime's per-step statements on PostgreSQL, sent straight on the session's own driver connection.

For a statement that reads or writes one small row, SQLAlchemy's execution (an execution context, result
metadata built from the cursor's description, row processors) costs more of the client's CPU than the database
spends on the statement; a step sends two such statements. They are compiled once to the driver's SQL and run
on the connection the session already holds, so they stay inside the session's transaction and its commit.
A driver error comes out as SQLAlchemy's own (DBAPIError and its subclasses, the connection invalidated when
it was lost), as if SQLAlchemy had run the statement, so callers and the web layer's answer to a database
outage see what they always did.
"""
from __future__ import annotations

import psycopg
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

_compiled: dict[tuple[ClauseElement, str], str] = {}


def driver_sql(connection: Connection, statement: ClauseElement) -> str:
    """The statement as the driver's SQL (named parameters), compiled once per dialect."""
    key = (statement, connection.dialect.name)
    sql = _compiled.get(key)
    if sql is None:
        sql = _compiled[key] = str(statement.compile(dialect=connection.dialect))
    return sql


def fetch_all(connection: Connection, sql: str, params: dict) -> list[tuple]:
    """The rows of `sql` run with `params` on the connection's psycopg connection, in its transaction."""
    return _run(connection, sql, params, rows=True)


def execute(connection: Connection, sql: str, params: dict) -> None:
    """`sql`, which returns no rows, run as fetch_all runs it."""
    _run(connection, sql, params, rows=False)


def _run(connection: Connection, sql: str, params: dict, rows: bool):
    driver_connection = connection.connection.driver_connection
    try:
        with driver_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if rows else None
    except psycopg.Error as exc:
        lost = connection.dialect.is_disconnect(exc, driver_connection, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(sql, params, exc, psycopg.Error, connection_invalidated=lost,
                                  dialect=connection.dialect) from exc


def all_rows(connection: Connection, statement: ClauseElement, params: dict) -> list[tuple]:
    """The statement's rows: through the driver on PostgreSQL, through SQLAlchemy elsewhere (SQLite runs
    in-process, where there is no round trip to save and its BEGIN IMMEDIATE hook must see the statement). The
    driver's values are not passed through the columns' types: the caller converts what needs it."""
    if connection.dialect.name != "postgresql":
        return [tuple(row) for row in connection.execute(statement, params)]
    return fetch_all(connection, driver_sql(connection, statement), params)


def one_row(connection: Connection, statement: ClauseElement, params: dict) -> tuple | None:
    """The statement's only row, or None (as all_rows)."""
    if connection.dialect.name != "postgresql":
        return connection.execute(statement, params).one_or_none()
    rows = fetch_all(connection, driver_sql(connection, statement), params)
    if len(rows) > 1:
        raise ValueError("more than one row where one was expected")
    return rows[0] if rows else None
