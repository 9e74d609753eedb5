"""The append-only audit log: who did what, when, with digests of the data before and after (never the data)."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy.orm import Session

from ..db.driver import execute
from ..db.types import utcnow
from .statements import INSERT_AUDIT


def digest(data) -> str | None:
    if data is None:
        return None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def entry(actor: str, action: str, *, instance_id: int | None = None, task_id: str | None = None,
          before=None, after=None, detail: dict | None = None) -> dict:
    """One audit row's values, for a caller that writes it together with other rows (see step_write)."""
    return {"at": utcnow(), "actor": actor, "action": action, "instance_id": instance_id, "task_id": task_id,
            "before_digest": digest(before), "after_digest": digest(after), "detail": detail or {}}


def record(session: Session, actor: str, action: str, *, instance_id: int | None = None, task_id: str | None = None,
           before=None, after=None, detail: dict | None = None) -> None:
    values = entry(actor, action, instance_id=instance_id, task_id=task_id, before=before, after=after, detail=detail)
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(INSERT_AUDIT, values)
        return
    # through the driver: a case page writes one per read, and SQLAlchemy's execution costs more than the insert
    execute(connection, _INSERT_SQL, {**values, "detail": json.dumps(values["detail"])})


_INSERT_SQL = ("INSERT INTO audit_log (at, actor, action, instance_id, task_id, before_digest, after_digest, detail)"
               " VALUES (%(at)s, %(actor)s, %(action)s, %(instance_id)s, %(task_id)s, %(before_digest)s,"
               " %(after_digest)s, CAST(%(detail)s AS json))")
