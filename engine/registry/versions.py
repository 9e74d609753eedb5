"""What the runtime needs to know about a process version, cached by id: versions never change once deployed."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import ProcessVersion
from ..errors import NotFound


@dataclass(frozen=True)
class VersionInfo:
    id: int
    process_id: str
    version: int
    name: str
    content_hash: str
    lane_roles: dict


class VersionCache:
    def __init__(self):
        self._by_id: dict[int, VersionInfo] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> VersionInfo:
        info = self._by_id.get(version_id)
        if info is not None:
            return info
        row = session.execute(select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version,
                                     ProcessVersion.name, ProcessVersion.content_hash, ProcessVersion.lane_roles)
                              .where(ProcessVersion.id == version_id)).one_or_none()
        if row is None:
            raise NotFound(f"process version {version_id} not found")
        info = VersionInfo(*row)
        with self._lock:
            self._by_id[version_id] = info
        return info
