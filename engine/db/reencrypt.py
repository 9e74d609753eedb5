"""Key rotation: rewrite every encrypted value still under an older key with the primary (first) key.

Each instance's workflow and case data are rewritten with the plaintext they hold, guarded by its row_version, so
a case that a clerk changes at the same moment is left alone (and is encrypted with the new key by that write
anyway).
"""
from __future__ import annotations

from sqlalchemy import LargeBinary, bindparam, column, select, table, update

from .. import crypto
from .session import Database

_RAW_INSTANCES = table("process_instances", column("id"), column("row_version"), column("workflow", LargeBinary),
                       column("case_data", LargeBinary))
_READ = select(_RAW_INSTANCES.c.id, _RAW_INSTANCES.c.row_version, _RAW_INSTANCES.c.workflow,
               _RAW_INSTANCES.c.case_data).where(
    _RAW_INSTANCES.c.id > bindparam("after")).order_by(_RAW_INSTANCES.c.id).limit(bindparam("batch"))
_WRITE = (update(_RAW_INSTANCES)
          .where(_RAW_INSTANCES.c.id == bindparam("b_id"), _RAW_INSTANCES.c.row_version == bindparam("b_row_version"))
          .values(workflow=bindparam("workflow"), case_data=bindparam("case_data")))


def reencrypt_instances(database: Database, batch: int = 200) -> tuple[int, int]:
    """Returns (rewritten, skipped because they changed meanwhile). One transaction per batch."""
    ring = crypto.keyring()
    rewritten = skipped = 0
    after = 0
    while True:
        with database.transaction() as session:
            rows = session.execute(_READ, {"after": after, "batch": batch}).all()
            for instance_id, row_version, blob, data in rows:
                blob, data = bytes(blob), bytes(data) if data is not None else None
                if not ring.needs_reencryption(blob) and (data is None or not ring.needs_reencryption(data)):
                    continue
                result = session.execute(_WRITE, {
                    "b_id": instance_id, "b_row_version": row_version, "workflow": ring.encrypt(ring.decrypt(blob)),
                    "case_data": ring.encrypt(ring.decrypt(data)) if data is not None else None})
                rewritten += result.rowcount
                skipped += 1 - result.rowcount
        if len(rows) < batch:
            return rewritten, skipped
        after = rows[-1][0]
