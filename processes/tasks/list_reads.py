"""The task lists' kept statements run on PostgreSQL's driver connection, inside the session's transaction.

A worklist page sends two of them (its tab counts, its rows), and SQLAlchemy's execution of each (an execution
context, the statement's cache key, result metadata, row processors) cost the client more CPU than PostgreSQL
spends answering. Each kept statement is compiled once; its literal parameters (state, limit, offset, caps) are
written in per call; the rows come back as plain named tuples with the same values SQLAlchemy would give (moments
in UTC). SQLite runs in-process, with nothing to save: there the session executes the statement as before.
"""
from __future__ import annotations

from collections import namedtuple
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy.orm import Session

from engine.db.driver import fetch_all
from engine.db.types import UTCDateTime


class _Kept:
    """A statement compiled for the driver, and how to read its rows."""

    def __init__(self, statement, dialect):
        self.compiled = statement.compile(dialect=dialect)
        columns = list(statement.selected_columns)
        self.row = namedtuple("ListRow", [column.key for column in columns])
        self.moments = tuple(i for i, column in enumerate(columns) if isinstance(column.type, UTCDateTime))
        self.literals = frozenset(bind.key for bind in self.compiled.literal_execute_params)
        self.lists = tuple(sorted(bind.key for bind in self.compiled.post_compile_params if bind.key not in self.literals))
        self.constants = {name: value for name, value in self.compiled.params.items() if value is not None}
        """Values the statement holds itself (a literal compared in a condition, such as `state != 'READY'`)."""
        self.sql: dict[tuple, tuple[str, dict]] = {}
        """The SQL per set of literal values (a page's state, limit and offset; a tab's cap) and lengths of the
        lists (the case ids of a page), with the names the lists' items are bound as: few per statement."""

    def _sql(self, values: dict) -> tuple[str, dict]:
        key = (tuple(sorted((name, values[name]) for name in self.literals)),
               tuple(len(values[name]) for name in self.lists))
        kept = self.sql.get(key)
        if kept is None:
            if len(self.sql) >= 256:
                self.sql.clear()
            expanded = self.compiled.construct_expanded_state(values)
            kept = self.sql[key] = (expanded.statement, expanded.parameter_expansion)
        sql, expansion = kept
        parameters = {k: v for k, v in values.items() if k not in self.literals and k not in expansion}
        for name in self.lists:
            parameters.update(zip(expansion[name], values[name]))
        return sql, parameters

    def rows(self, connection, values: dict) -> list:
        sql, parameters = self._sql({**self.constants, **{k: _bound(v) for k, v in values.items()}})
        found = fetch_all(connection, sql, parameters)
        if self.moments:
            found = [_in_utc(row, self.moments) for row in found]
        return [self.row._make(row) for row in found]


def _bound(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a task list's statement")
        return value.astimezone(timezone.utc)
    return value


def _in_utc(row: tuple, moments: tuple[int, ...]) -> tuple:
    values = list(row)
    for i in moments:
        if values[i] is not None:
            values[i] = values[i].astimezone(timezone.utc)
    return values


@lru_cache(maxsize=1024)
def _kept(statement, dialect) -> _Kept:
    return _Kept(statement, dialect)


def run_rows(session: Session, statement, values: dict) -> list:
    """The rows of a kept statement (one built once and reused, such as task_statements' rows_statement) with
    `values` bound, each with attribute access by column name."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return list(session.execute(statement, values))
    return _kept(statement, connection.dialect).rows(connection, values)
