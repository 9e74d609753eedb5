"""Erase-all at the end of the contract (spec 22): every row of every table, every file the system wrote into its
instance folder and every archive in the backup folder, then a verification that checks it.

Refused unless the caller repeats the configured 全国地方公共団体コード (OKUYAMI_CITY_CODE). The schema stays (empty
tables and the Alembic revision), so the emptied database is still a valid one. SQLite: the rows are deleted (the
audit log under a permit, like a purge), FTS tables dropped, then VACUUM and a WAL checkpoint so that no freed page
keeps old bytes; PostgreSQL: TRUNCATE, which gives every table new, empty files. The verification counts every
table, checks each deleted file is gone and searches every byte of the instance and backup folders (the SQLite file
included) for known names. What it returns is the only record left: the caller prints it and may keep it as the
certificate of erasure; it names tables, counts and paths, never the data."""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, text

from engine.db.base import Base
from engine.db.session import Database
from engine.db.types import utcnow
from engine.errors import OkuyamiError
from engine.settings import Settings
from processes.operations.backup import stored_files, table_counts

log = logging.getLogger(__name__)
KEPT_TABLES = {"alembic_version"}
BACKUP_PATTERNS = ("okuyami-*.backup", "okuyami-*.backup.part")


class EraseRefused(OkuyamiError):
    pass


@dataclass
class EraseReport:
    at: datetime
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    files: dict[str, bool] = field(default_factory=dict)
    """Each deleted file (relative to the instance folder) → whether it is gone."""
    backups: dict[str, bool] = field(default_factory=dict)
    files_searched: int = 0
    names_searched: int = 0
    name_hits: list[str] = field(default_factory=list)
    """Files (relative paths) in which a known name was still found."""

    @property
    def tables_empty(self) -> bool:
        return all(count == 0 for count in self.rows_after.values())

    @property
    def verified(self) -> bool:
        return (self.tables_empty and all(self.files.values()) and all(self.backups.values())
                and not self.name_hits)


def check_confirmation(settings: Settings, confirm: str | None) -> None:
    if not confirm:
        raise EraseRefused("erase-all needs --confirm with the configured city code",
                           user_message="全データを消去するには --confirm に全国地方公共団体コード（設定 "
                                        "OKUYAMI_CITY_CODE の値）を付けてください。何も消去していません。")
    if confirm.strip() != settings.city_code.strip():
        raise EraseRefused("the --confirm value is not the configured city code",
                           user_message="--confirm の値が設定された全国地方公共団体コードと一致しません。"
                                        "何も消去していません。")


def _user_tables(connection) -> list[str]:
    return [name for name in inspect(connection).get_table_names() if name not in KEPT_TABLES]


def _erase_sqlite(database: Database) -> None:
    ordered = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        for (name,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND sql LIKE 'CREATE VIRTUAL TABLE%'")).all():
            connection.execute(text(f'DROP TABLE "{name}"'))
        present = set(_user_tables(connection))
        connection.execute(text("INSERT INTO audit_purge_permits (reason, granted_at) VALUES ('erase-all', :at)"),
                           {"at": utcnow()})
        others = sorted(present - set(ordered))
        for name in others + [n for n in ordered if n in present and n != "audit_purge_permits"]:
            connection.execute(text(f'DELETE FROM "{name}"'))
        connection.execute(text("DELETE FROM audit_purge_permits"))
        if connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")).first():
            connection.execute(text("DELETE FROM sqlite_sequence"))
    database.dispose()
    raw = sqlite3.connect(database.url.split("///", 1)[1])
    try:
        raw.execute("VACUUM")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def _erase_postgresql(database: Database) -> None:
    with database.engine.begin() as connection:
        names = ", ".join(f'"{name}"' for name in _user_tables(connection))
        if names:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    database.dispose()


def _backup_archives(folder: Path | None) -> list[Path]:
    if folder is None or not folder.is_dir():
        return []
    return sorted({path for pattern in BACKUP_PATTERNS for path in folder.glob(pattern)})


def search_names(places: list[Path], names: list[str]) -> tuple[int, list[str]]:
    """Every file under the folders (or the file itself) searched byte by byte for each name (UTF-8); returns
    (files searched, the files where one was found)."""
    needles = [name.encode("utf-8") for name in names if name]
    files = set()
    for place in places:
        if place.is_file():
            files.add(place.resolve())
        elif place.is_dir():
            files.update(path.resolve() for path in place.rglob("*") if path.is_file())
    hits = [str(path) for path in sorted(files) if any(needle in path.read_bytes() for needle in needles)]
    return len(files), hits


def _remove_empty_folders(root: Path) -> None:
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def erase_all(database: Database, settings: Settings, confirm: str | None, names: list[str]) -> EraseReport:
    check_confirmation(settings, confirm)
    instance = Path(settings.instance_path)
    backup_folder = Path(settings.backup_folder) if settings.backup_folder else None
    with database.engine.connect() as connection:
        before = table_counts(connection)
    files = stored_files(instance, database, backup_folder)
    archives = _backup_archives(backup_folder)
    log.warning("erase-all: erasing %d tables, %d files, %d backups", len(before), len(files), len(archives))
    if database.dialect == "sqlite":
        _erase_sqlite(database)
    else:
        _erase_postgresql(database)
    for path in files + archives:
        path.unlink(missing_ok=True)
    if instance.is_dir():
        _remove_empty_folders(instance)
    with database.engine.connect() as connection:
        after = {name: count for name, count in table_counts(connection).items() if name not in KEPT_TABLES}
    report = EraseReport(utcnow(), {k: v for k, v in before.items() if k not in KEPT_TABLES}, after,
                         {path.relative_to(instance).as_posix(): not path.exists() for path in files},
                         {path.name: not path.exists() for path in archives})
    folders = [instance] + ([backup_folder] if backup_folder else [])
    if database.dialect == "sqlite":
        database_file = Path(database.url.split("///", 1)[1])
        folders += [database_file.with_name(database_file.name + suffix) for suffix in ("", "-wal", "-shm")]
    report.files_searched, report.name_hits = search_names(folders, names)
    report.names_searched = len([n for n in names if n])
    log.warning("erase-all: %s", "verified" if report.verified else "NOT verified")
    return report
