"""The worker's part of the public side: the export into OKUYAMI_PUBLIC_EXPORT_TO every two minutes (so the free
slots and the survey tokens are never far behind), and the pull from OKUYAMI_PUBLIC_PULL_FROM (the public side's
data directory on this machine, or its URL) every minute; nothing when a setting is empty."""
from __future__ import annotations

import logging
from pathlib import Path

from engine.db.types import utcnow
from processes.public.pull import FolderSource, UrlSource, pull, signing_secret

log = logging.getLogger(__name__)
JOB_ID, EXPORT_JOB_ID = "public-pull", "public-export"


def source_for(database, where: str):
    if where.startswith(("http://", "https://")):
        return UrlSource(where, signing_secret(database))
    return FolderSource(Path(where))


def pull_once(platform) -> None:
    where = platform.settings.public_pull_from
    try:
        result = pull(platform.database, platform, source_for(platform.database, where))
    except OSError as exc:
        log.warning("public pull: the public side did not answer (%s)", type(exc).__name__)
        return
    if result.booking or result.inquiry or result.survey or result.kept:
        log.info("public pull: %d booking requests, %d inquiries, %d survey answers, %d kept for the supervisor",
                 result.booking, result.inquiry, result.survey, result.kept)


def export_once(platform) -> None:
    from processes.calendar import today_jst
    from processes.public.export import export

    with platform.database.transaction() as session:
        export(session, Path(platform.settings.public_export_to), today_jst())


def add_public_pull_job(scheduler, platform, interval_seconds: float = 60) -> None:
    if platform.settings.public_export_to:
        scheduler.add_job(export_once, "interval", seconds=2 * interval_seconds, args=[platform], id=EXPORT_JOB_ID,
                          max_instances=1, coalesce=True, next_run_time=utcnow(), misfire_grace_time=None)
    if platform.settings.public_pull_from:
        scheduler.add_job(pull_once, "interval", seconds=interval_seconds, args=[platform], id=JOB_ID,
                          max_instances=1, coalesce=True, next_run_time=utcnow(), misfire_grace_time=None)
