"""The administrator's values in force in this process: installed at start and refreshed every few seconds (an
administrator may save in another process), immediately after a save in this one."""
from __future__ import annotations

import threading
import time

from sqlalchemy.exc import SQLAlchemyError

from engine.db.session import Database
from processes import departments as registry
from processes.administration import departments, wards
from processes.calendar import BusinessCalendar
from processes.wards import use_administered_wards

REFRESH_SECONDS = 5.0
_lock = threading.Lock()
_last: dict[str, float] = {}


def refresh(database: Database, *, force: bool = False) -> None:
    key = str(database.url)
    now = time.monotonic()
    with _lock:
        if not force and _last.get("url") == key and now - _last.get("at", 0.0) < REFRESH_SECONDS:
            return
        _last.update(url=key, at=now)
    try:
        with database.transaction(write=False) as session:
            wards.install(session)
            departments.install(session)
    except SQLAlchemyError:
        with _lock:
            _last.clear()
        raise


def reset() -> None:
    """Back to the repository's YAML and registry (tests, and a process about to open another database)."""
    use_administered_wards(None)
    BusinessCalendar.use_administered(None)
    departments.lay_over_registry(registry.load_departments())
    with _lock:
        _last.clear()
