"""The worker's pass over drafts: those of closed tasks are deleted (they hold half-entered personal data)."""
from __future__ import annotations

import logging

from engine.db.session import Database
from engine.db.types import utcnow
from processes.tasks.drafts.store import discard_closed_drafts

log = logging.getLogger(__name__)
JOB_ID = "okuyami-closed-task-drafts"


def discard_drafts_of_closed_tasks(database: Database) -> int:
    with database.transaction() as session:
        deleted = discard_closed_drafts(session)
    if deleted:
        log.info("discarded %d draft(s) of closed tasks", deleted)
    return deleted


def add_draft_cleanup_job(scheduler, database: Database, interval_seconds: float = 300) -> None:
    """Register the pass on an APScheduler scheduler (`okuyami worker`, the demo server)."""
    scheduler.add_job(discard_drafts_of_closed_tasks, "interval", seconds=interval_seconds, args=[database],
                      id=JOB_ID, max_instances=1, coalesce=True, next_run_time=utcnow(), misfire_grace_time=None)
