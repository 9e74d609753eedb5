"""Reading instance rows with plain SQL statements (step_write writes them, under an optimistic version check).

Workflows are kept in a small per-process cache keyed by instance id and stamped with the case's row_version, its
creation moment (an id can come again after an erase-all or a restore) and the key ring in use (a workflow kept under
another key ring is never served: a case that the current keys cannot open stays unreadable). An entry is taken out
of the cache when an operation starts and put back only after its transaction commits, so a failed or rolled
back operation can never leave a half-advanced workflow behind.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .. import crypto
from ..db.driver import one_row
from ..db.session import after_commit, transaction_info
from ..errors import NotFound
from ..registry.versions import VersionInfo
from .case_data import read_stored_case_data
from .open_tasks import SHOWN_COLUMNS, SHOWN_TASK_AND_INSTANCE, OpenTask, shown_task
from .statements import READ_INSTANCE, READ_TASK_AND_INSTANCE
from .step_write import written_here

_WRITTEN_WORKFLOWS = "written_workflows"


@dataclass
class LoadedInstance:
    id: int
    row_version: int
    status: str
    ward: str | None
    version: VersionInfo
    sealed: bytes | None
    """The workflow column as stored (encrypted); None for an instance this operation has just written."""
    specs: tuple
    created_at: datetime | None = None
    cached_workflow: object | None = None
    timers_before: dict | None = None
    """The workflow's waiting timers when it was loaded for this operation (the base of the timers diff)."""
    timers_fired: int = 0
    sealed_data: bytes | None = None
    """The case_data column as stored (encrypted); None when the row has none or this operation has just written it."""

    @property
    def stamp(self) -> tuple[int, datetime | None]:
        """What a kept workflow must match to stand for this row: its row_version and the case's creation moment."""
        return (self.row_version, self.created_at)

    @property
    def blob(self) -> bytes:
        """The stored workflow, decrypted (needed only when the workflow is not in this process's cache)."""
        return crypto.keyring().decrypt(bytes(self.sealed))

    @property
    def stored_data(self) -> dict | None:
        """The case data stored beside the workflow, decrypted; None when the row has none (read the workflow)."""
        if self.sealed_data is None:
            return None
        return read_stored_case_data(crypto.keyring().decrypt(bytes(self.sealed_data)))


@dataclass(frozen=True)
class TaskRow:
    id: int
    task_id: str
    instance_id: int
    state: str
    assignee: str | None
    spec_name: str


class WorkflowCache:
    def __init__(self, size: int):
        self._size = size
        self._entries: OrderedDict[int, tuple[tuple, object, object]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, instance_id: int, stamp: tuple):
        """The kept workflow if it stands for the row with this stamp under the current key ring; it leaves the cache."""
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        if entry is None or entry[0] != stamp or entry[1] is not crypto.keyring():
            return None
        return entry[2]

    def put(self, instance_id: int, stamp: tuple, workflow) -> None:
        with self._lock:
            self._entries[instance_id] = (stamp, crypto.keyring(), workflow)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class InstanceStore:
    def __init__(self, registry, cache_size: int = 512):
        self._registry = registry
        self.cache = WorkflowCache(cache_size)

    def _loaded(self, session: Session, row) -> LoadedInstance:
        instance_id, row_version, status, ward, version_id, sealed, created_at, sealed_data = row
        version = self._registry.versions.get(session, version_id)
        return LoadedInstance(instance_id, row_version, status, ward, version, sealed,
                              self._registry.specs_for(session, version), created_at,
                              self.cache.take(instance_id, (row_version, created_at)), sealed_data=sealed_data)

    def read(self, session: Session, instance_id: int) -> LoadedInstance:
        row = one_row(session.connection(), READ_INSTANCE, {"instance_id": instance_id})
        if row is None:
            raise NotFound(f"instance {instance_id} not found")
        return self._loaded(session, row)

    def read_task(self, session: Session, task_ref: int) -> tuple[TaskRow, LoadedInstance]:
        row = one_row(session.connection(), READ_TASK_AND_INSTANCE, {"task_ref": task_ref})
        if row is None:
            raise NotFound(f"task {task_ref} not found", user_message="指定されたタスクは見つかりません。")
        return TaskRow(*row[:6]), self._loaded(session, row[6:])

    def read_shown_task(self, session: Session, task_ref: int) -> tuple[OpenTask, LoadedInstance]:
        """A task as shown (open or not) and its instance, in one statement."""
        row = one_row(session.connection(), SHOWN_TASK_AND_INSTANCE, {"task_ref": task_ref})
        if row is None:
            raise NotFound(f"task {task_ref} not found", user_message="指定されたタスクは見つかりません。")
        return shown_task(row[:SHOWN_COLUMNS]), self._loaded(session, row[SHOWN_COLUMNS:])

    def written(self, session: Session, instance_id: int, version: VersionInfo, *, status: str,
                ward: str | None, created_at: datetime) -> LoadedInstance:
        """A new instance just written (step_write) at row_version 1."""
        return LoadedInstance(instance_id, 1, status, ward, version, None, self._registry.specs_for(session, version),
                              created_at)

    def remember(self, session: Session, instance: LoadedInstance, workflow) -> None:
        """Keep the workflow for the next operation on this instance, once (and only if) this one commits; until
        then, for reads in this transaction (written_workflow)."""
        instance_id, stamp = instance.id, instance.stamp
        transaction_info(session).setdefault(_WRITTEN_WORKFLOWS, {})[instance_id] = (stamp, workflow)
        after_commit(session, lambda: self.cache.put(instance_id, stamp, workflow))

    @staticmethod
    def written_workflow(session: Session, instance: LoadedInstance):
        """The workflow this transaction wrote the instance's row from, if the row is still as it wrote it: for
        reading only (an operation that advances the instance decodes its own copy, so that a step failing half-way
        can never change what is kept)."""
        entry = transaction_info(session).get(_WRITTEN_WORKFLOWS, {}).get(instance.id)
        return entry[1] if entry is not None and entry[0] == instance.stamp else None

    def put_back(self, session: Session, instance: LoadedInstance, workflow) -> None:
        """Keep a workflow read (not advanced) for the next operation: at once when the row it was read from is
        committed, but only once this transaction commits when it wrote that row itself."""
        if written_here(session, instance.id):
            self.remember(session, instance, workflow)
        else:
            self.cache.put(instance.id, instance.stamp, workflow)
