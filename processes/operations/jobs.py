"""The worker's operations jobs: its heartbeat (read by /readyz), sealing the audit chain, the daily backup."""
from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.db.session import Database
from engine.db.types import utcnow
from engine.settings import Settings
from processes.operations.audit_chain import seal
from processes.operations.backup import write_backup
from processes.operations.leases import release_dead_leases
from processes.operations.purge import purge
from processes.operations.readiness import beat

log = logging.getLogger(__name__)
TOKYO = ZoneInfo("Asia/Tokyo")
BACKUP_PREFIX = "okuyami-"
BACKUP_SUFFIX = ".backup"


def heartbeat(database: Database) -> None:
    with database.transaction() as session:
        beat(session)


def seal_audit(database: Database) -> None:
    with database.transaction() as session:
        sealed = seal(session)
    if sealed:
        log.info("audit chain: %d entries sealed", sealed)


def _day_of(path: Path) -> date | None:
    try:
        return date.fromisoformat(path.name.removeprefix(BACKUP_PREFIX).removesuffix(BACKUP_SUFFIX))
    except ValueError:
        return None


def backups_to_keep(days: list[date], keep_days: int) -> set[date]:
    """The last `keep_days` daily backups and the last backup of every month."""
    ordered = sorted(days)
    kept = set(ordered[-keep_days:]) if keep_days > 0 else set()
    last_of_month: dict[tuple[int, int], date] = {}
    for day in ordered:
        last_of_month[(day.year, day.month)] = day
    return kept | set(last_of_month.values())


def daily_backup(database: Database, settings: Settings, now: datetime | None = None) -> Path | None:
    """Today's archive in the backup folder (once a day), then the old ones beyond what is kept are removed."""
    if not settings.backup_folder:
        return None
    folder = Path(settings.backup_folder)
    today = (now or utcnow()).astimezone(TOKYO).date()
    target = folder / f"{BACKUP_PREFIX}{today.isoformat()}{BACKUP_SUFFIX}"
    if not target.exists():
        write_backup(database, settings.instance_path, target, settings.backup_key, folder)
        log.info("daily backup written: %s", target.name)
    archives = {day: path for path in folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}")
                if (day := _day_of(path)) is not None}
    keep = backups_to_keep(list(archives), settings.backup_keep_days)
    for day, path in archives.items():
        if day not in keep:
            path.unlink()
    return target


def nightly_purge(database: Database) -> None:
    with database.transaction() as session:
        for result in purge(session, "worker"):
            log.info("purge: %s, %d rows before %s", result.kind, result.count, result.up_to.isoformat())


def add_operations_jobs(scheduler, database: Database, settings: Settings) -> None:
    """Give back the leases of this host's workers that died, then register on the worker's APScheduler
    scheduler: heartbeat every 30 s, audit seal every 5 min, the backup
    hourly (it writes only the first time each day), the purge at 02:30 in Tokyo."""
    released = release_dead_leases(database)
    if any(released):
        log.warning("leases of stopped workers given back: %d timers, %d print packets, %d report builds", *released)
    now = utcnow()
    common = {"max_instances": 1, "coalesce": True, "next_run_time": now, "misfire_grace_time": None}
    scheduler.add_job(heartbeat, "interval", seconds=30, args=[database], id="operations-heartbeat", **common)
    scheduler.add_job(seal_audit, "interval", seconds=300, args=[database], id="operations-audit-seal", **common)
    scheduler.add_job(daily_backup, "interval", seconds=3600, args=[database, settings], id="operations-backup",
                      **common)
    scheduler.add_job(nightly_purge, "cron", hour=2, minute=30, timezone=TOKYO, args=[database],
                      id="operations-purge", max_instances=1, coalesce=True, misfire_grace_time=None)
