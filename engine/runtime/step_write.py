"""One step's writes: the instance row (insert, or update under the optimistic version check), the human-task and
timer query rows it closes and opens, and its audit entry, all in the caller's transaction.

On PostgreSQL they go to the server as ONE statement (data-modifying CTEs hanging off the instance row, so a
version check that matches no row writes nothing else either): a step costs one round trip for its writes
instead of four to six. The statement text depends only on how many rows of each kind the step writes, so a
handful of texts repeat and the driver prepares them. Elsewhere (SQLite, in-process, no round trips) each kind
is one Core statement. Either way the transaction, the version check, the audit entry and the encrypted blob
are the same.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from .. import crypto
from ..db.driver import fetch_all
from ..db.session import transaction_info
from ..errors import TaskConflict
from .statements import (
    CLOSE_HUMAN_TASKS,
    CLOSE_TIMERS,
    INSERT_AUDIT,
    INSERT_HUMAN_TASKS,
    INSERT_INSTANCE,
    INSERT_TIMERS,
    UPDATE_INSTANCE,
)

_TASK_COLUMNS = (("task_id", "varchar"), ("spec_name", "varchar"), ("title", "varchar"), ("form", "varchar"),
                 ("lane", "varchar"), ("role", "varchar"), ("ward", "varchar"), ("department", "varchar"),
                 ("state", "varchar"), ("assignee", "varchar"), ("due_at", "timestamptz"),
                 ("created_at", "timestamptz"))
_TASK_CLOSE_COLUMNS = (("b_task_id", "varchar"), ("state", "varchar"), ("completed_at", "timestamptz"),
                       ("completed_by", "varchar"))
_TIMER_COLUMNS = (("task_id", "varchar"), ("event_name", "varchar"), ("event_kind", "varchar"),
                  ("due_at", "timestamptz"), ("state", "varchar"), ("created_at", "timestamptz"),
                  ("fired_at", "timestamptz"), ("claimed_by", "varchar"), ("claimed_until", "timestamptz"))
_TIMER_CLOSE_COLUMNS = (("b_task_id", "varchar"), ("state", "varchar"), ("fired_at", "timestamptz"))
_AUDIT_COLUMNS = (("at", "timestamptz"), ("actor", "varchar"), ("action", "varchar"), ("task_id", "varchar"),
                  ("before_digest", "varchar"), ("after_digest", "varchar"), ("detail", "json"))
_INSERT_COLUMNS = (("process_version_id", "integer"), ("process_id", "varchar"), ("status", "varchar"),
                   ("workflow", "bytea"), ("case_data", "bytea"), ("row_version", "integer"), ("ward", "varchar"),
                   ("wake_at", "timestamptz"), ("created_at", "timestamptz"), ("created_by", "varchar"),
                   ("updated_at", "timestamptz"), ("ended_at", "timestamptz"))


_WRITTEN = "written_instances"


@dataclass
class StepWrite:
    instance: dict
    """INSERT_INSTANCE's values for a new instance; UPDATE_INSTANCE's (b_id, b_row_version...) for a step."""
    task_closes: list[dict] = field(default_factory=list)
    task_rows: list[dict] = field(default_factory=list)
    timer_closes: list[dict] = field(default_factory=list)
    timer_rows: list[dict] = field(default_factory=list)
    audit: dict | None = None
    """audit.entry(...) without its instance id (the instance's own)."""

    @property
    def is_insert(self) -> bool:
        return "b_id" not in self.instance


def write_step(session: Session, step: StepWrite) -> tuple[int, list[int]]:
    """Write the step; returns the instance id and the new human tasks' ids (in the order of step.task_rows).
    TaskConflict when the instance's row_version is no longer the one the step was computed from."""
    connection = session.connection()
    written = _write_postgresql(connection, step) if connection.dialect.name == "postgresql" else \
        _write_each(connection, step)
    transaction_info(session).setdefault(_WRITTEN, set()).add(written[0])
    return written


def written_here(session: Session, instance_id: int) -> bool:
    """Whether this session's open transaction has written the instance's row (not committed yet, then)."""
    return instance_id in transaction_info(session).get(_WRITTEN, ())


def _conflict(step: StepWrite) -> TaskConflict:
    return TaskConflict(f"instance {step.instance['b_id']} was changed by someone else (stale row_version "
                        f"{step.instance['b_row_version']})")


# one statement per kind (SQLite) -------------------------------------------------------------------------
def _write_each(connection, step: StepWrite) -> tuple[int, list[int]]:
    if step.is_insert:
        instance_id = connection.execute(INSERT_INSTANCE, step.instance).scalar_one()
    else:
        if connection.execute(UPDATE_INSTANCE, step.instance).rowcount != 1:
            raise _conflict(step)
        instance_id = step.instance["b_id"]
    if step.task_closes:
        connection.execute(CLOSE_HUMAN_TASKS, [{**row, "b_instance_id": instance_id} for row in step.task_closes])
    new_ids: list[int] = []
    if step.task_rows:
        new_ids = list(connection.execute(INSERT_HUMAN_TASKS, [{**row, "instance_id": instance_id}
                                                               for row in step.task_rows]).scalars())
    if step.timer_closes:
        connection.execute(CLOSE_TIMERS, [{**row, "b_instance_id": instance_id} for row in step.timer_closes])
    if step.timer_rows:
        connection.execute(INSERT_TIMERS, [{**row, "instance_id": instance_id} for row in step.timer_rows])
    if step.audit is not None:
        connection.execute(INSERT_AUDIT, {**step.audit, "instance_id": instance_id})
    return instance_id, new_ids


# one statement (PostgreSQL) ------------------------------------------------------------------------------
_texts: dict[tuple, str] = {}


def _values(prefix: str, count: int, columns) -> str:
    return ", ".join("(" + ", ".join(f"CAST(%({prefix}{i}_{name})s AS {kind})" for name, kind in columns) + ")"
                     for i in range(count))


def _names(columns) -> str:
    return ", ".join(name for name, _ in columns)


def _text(shape: tuple) -> str:
    is_insert, task_closes, task_rows, timer_closes, timer_rows, audited = shape
    if is_insert:
        parts = [f"inst AS (INSERT INTO process_instances ({_names(_INSERT_COLUMNS)}) VALUES "
                 f"{_values('i', 1, _INSERT_COLUMNS)} RETURNING id)"]
    else:
        parts = ["inst AS (UPDATE process_instances SET workflow = %(workflow)s, case_data = %(case_data)s,"
                 " row_version = %(new_row_version)s,"
                 " status = %(status)s, wake_at = %(wake_at)s, updated_at = %(updated_at)s, ended_at = %(ended_at)s"
                 " WHERE id = %(b_id)s AND row_version = %(b_row_version)s RETURNING id)"]
    if task_closes:
        parts.append("closed_tasks AS (UPDATE human_tasks AS h SET state = v.state, completed_at = v.completed_at,"
                     " completed_by = v.completed_by FROM inst, (VALUES "
                     f"{_values('hc', task_closes, _TASK_CLOSE_COLUMNS)}) AS v ({_names(_TASK_CLOSE_COLUMNS)})"
                     " WHERE h.instance_id = inst.id AND h.task_id = v.b_task_id AND h.state = 'READY')")
    if task_rows:
        parts.append(f"new_tasks AS (INSERT INTO human_tasks (instance_id, {_names(_TASK_COLUMNS)})"
                     f" SELECT inst.id, v.* FROM inst, (VALUES {_values('h', task_rows, _TASK_COLUMNS)})"
                     f" AS v ({_names(_TASK_COLUMNS)}) RETURNING id, task_id)")
    if timer_closes:
        parts.append("closed_timers AS (UPDATE timers AS t SET state = v.state, fired_at = v.fired_at,"
                     " claimed_until = NULL FROM inst, (VALUES "
                     f"{_values('tc', timer_closes, _TIMER_CLOSE_COLUMNS)}) AS v ({_names(_TIMER_CLOSE_COLUMNS)})"
                     " WHERE t.instance_id = inst.id AND t.task_id = v.b_task_id AND t.state = 'WAITING')")
    if timer_rows:
        parts.append(f"new_timers AS (INSERT INTO timers (instance_id, {_names(_TIMER_COLUMNS)})"
                     f" SELECT inst.id, v.* FROM inst, (VALUES {_values('t', timer_rows, _TIMER_COLUMNS)})"
                     f" AS v ({_names(_TIMER_COLUMNS)}))")
    if audited:
        parts.append(f"audited AS (INSERT INTO audit_log (instance_id, {_names(_AUDIT_COLUMNS)})"
                     f" SELECT inst.id, v.* FROM inst, (VALUES {_values('a', 1, _AUDIT_COLUMNS)})"
                     f" AS v ({_names(_AUDIT_COLUMNS)}))")
    result = "SELECT id, NULL AS task_id FROM inst"
    if task_rows:
        result += " UNION ALL SELECT id, task_id FROM new_tasks"
    return "WITH " + ", ".join(parts) + " " + result


def _flatten(params: dict, prefix: str, rows: list[dict], columns) -> None:
    for i, row in enumerate(rows):
        for name, kind in columns:
            value = params[f"{prefix}{i}_{name}"] = row[name]
            if kind == "timestamptz" and value is not None and value.tzinfo is None:
                raise ValueError(f"naive datetime given for {name}")  # as UTCDateTime refuses it


def _write_postgresql(connection, step: StepWrite) -> tuple[int, list[int]]:
    shape = (step.is_insert, len(step.task_closes), len(step.task_rows), len(step.timer_closes),
             len(step.timer_rows), step.audit is not None)
    sql = _texts.get(shape)
    if sql is None:
        sql = _texts[shape] = _text(shape)
    instance = step.instance
    ring = crypto.keyring()   # what EncryptedBytes does for the Core statements
    workflow = ring.encrypt(instance["workflow"])
    case_data = ring.encrypt(instance["case_data"]) if instance["case_data"] is not None else None
    if step.is_insert:
        params = {f"i0_{name}": instance[name] for name, _kind in _INSERT_COLUMNS}
        params["i0_workflow"], params["i0_case_data"] = workflow, case_data
    else:
        params = {**instance, "workflow": workflow, "case_data": case_data}
    _flatten(params, "hc", step.task_closes, _TASK_CLOSE_COLUMNS)
    _flatten(params, "h", step.task_rows, _TASK_COLUMNS)
    _flatten(params, "tc", step.timer_closes, _TIMER_CLOSE_COLUMNS)
    _flatten(params, "t", step.timer_rows, _TIMER_COLUMNS)
    if step.audit is not None:
        _flatten(params, "a", [{**step.audit, "detail": json.dumps(step.audit["detail"])}], _AUDIT_COLUMNS)
    rows = fetch_all(connection, sql, params)
    instance_ids = [row_id for row_id, task_id in rows if task_id is None]
    if not instance_ids:
        raise _conflict(step)
    new_by_task = {task_id: row_id for row_id, task_id in rows if task_id is not None}
    return instance_ids[0], [new_by_task[row["task_id"]] for row in step.task_rows]


def update_values(instance_id: int, row_version: int, blob: bytes, *, status: str, wake_at: datetime | None,
                  now: datetime, case_data: bytes | None = None) -> dict:
    """UPDATE_INSTANCE's values: the next row_version, if the stored one is still `row_version`."""
    return {"b_id": instance_id, "b_row_version": row_version, "workflow": blob, "case_data": case_data,
            "new_row_version": row_version + 1,
            "status": status, "wake_at": wake_at, "updated_at": now,
            "ended_at": None if status == "running" else now}


def insert_values(version_id: int, process_id: str, blob: bytes, *, status: str, ward: str | None,
                  wake_at: datetime | None, actor: str, now: datetime, case_data: bytes | None = None) -> dict:
    """INSERT_INSTANCE's values for a new instance at row_version 1."""
    return {"process_version_id": version_id, "process_id": process_id, "status": status, "workflow": blob,
            "case_data": case_data,
            "row_version": 1, "ward": ward, "wake_at": wake_at, "created_at": now, "created_by": actor,
            "updated_at": now, "ended_at": None if status == "running" else now}
