"""One encrypted archive of everything the system stores: the database and the instance folder's files.

The archive is a tar file encrypted as a whole (Fernet, `OKUYAMI_BACKUP_KEY`): `database.sqlite3` (SQLite's online
backup API, consistent while the app writes) or `database.pgdump` (`pg_dump` custom format in the snapshot the
counts were taken in), the stored files under `files/`, and `manifest.json` with each table's row count and each
member's SHA-256. Personal data inside stays encrypted with the data key: a backup is readable only with both keys.
The instance's okuyami.toml (which holds the keys) and the backup folder itself are never put in an archive."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import inspect, text

from engine.db.session import Database
from engine.db.types import utcnow
from engine.errors import OkuyamiError

FORMAT = 1
MANIFEST = "manifest.json"
EXCLUDED_FILES = {"okuyami.toml"}


class BackupError(OkuyamiError):
    pass


@dataclass(frozen=True)
class Manifest:
    created_at: str
    dialect: str
    tables: dict[str, int]
    checksums: dict[str, str]

    def as_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "created_at": self.created_at, "dialect": self.dialect,
                           "tables": self.tables, "checksums": self.checksums},
                          ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _fernet(backup_key: str) -> Fernet:
    if not backup_key:
        raise BackupError("OKUYAMI_BACKUP_KEY is not set; generate one with `okuyami keys generate`",
                          user_message="バックアップ鍵 (OKUYAMI_BACKUP_KEY) が設定されていません。"
                                       "`okuyami keys generate` で作成して設定してください。")
    try:
        return Fernet(backup_key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise BackupError("OKUYAMI_BACKUP_KEY is not a key made by `okuyami keys generate`",
                          user_message="バックアップ鍵の形式が正しくありません（`okuyami keys generate` で作成した鍵を"
                                       "設定してください）。") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pg_command_url(url: str) -> str:
    """The SQLAlchemy URL as libpq's tools take it."""
    return "postgresql://" + url.split("://", 1)[1]


def _sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def table_counts(connection) -> dict[str, int]:
    names = sorted(inspect(connection).get_table_names())
    return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def _dump_database(database: Database, folder: Path) -> tuple[Path, dict[str, int]]:
    if database.dialect == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path(database.url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
        snapshot = Database(f"sqlite:///{target}")
        try:
            with snapshot.engine.connect() as connection:
                return target, table_counts(connection)
        finally:
            snapshot.dispose()
    target = folder / "database.pgdump"
    with database.engine.connect() as connection:
        connection.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
        snapshot_id = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        counts = table_counts(connection)
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                                 f"--snapshot={snapshot_id}", f"--file={target}",
                                 f"--dbname={pg_command_url(database.url)}"], capture_output=True, text=True)
        connection.exec_driver_sql("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[:500]}",
                          user_message="データベースの書き出し (pg_dump) に失敗しました。")
    return target, counts


def stored_files(instance_path: Path, database: Database, skip: Path | None = None) -> list[Path]:
    """The files the system wrote into its instance folder, apart from the keys, the database and the backups."""
    if not instance_path.is_dir():
        return []
    database_file = _sqlite_path(database.url).resolve() if database.dialect == "sqlite" else None
    skipped = {p.resolve() for p in (skip,) if p is not None}
    found = []
    for path in sorted(instance_path.rglob("*")):
        resolved = path.resolve()
        if not path.is_file() or path.name in EXCLUDED_FILES or any(s in resolved.parents for s in skipped):
            continue
        if database_file is not None and resolved.name.startswith(database_file.name) \
                and resolved.parent == database_file.parent:
            continue
        found.append(path)
    return found


def write_backup(database: Database, instance_path: Path, out: Path, backup_key: str,
                 backup_folder: Path | None = None) -> Manifest:
    fernet = _fernet(backup_key)
    with tempfile.TemporaryDirectory(prefix="okuyami-backup-") as work:
        folder = Path(work)
        dump, counts = _dump_database(database, folder)
        members = {dump.name: dump}
        for path in stored_files(instance_path, database, backup_folder or out.parent):
            members["files/" + path.relative_to(instance_path).as_posix()] = path
        manifest = Manifest(utcnow().isoformat(), database.dialect, counts,
                            {name: _sha256(path) for name, path in members.items()})
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            info = tarfile.TarInfo(MANIFEST)
            body = manifest.as_json()
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            for name, path in members.items():
                archive.add(path, arcname=name, recursive=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_bytes(fernet.encrypt(buffer.getvalue()))
    os.chmod(partial, 0o600)
    partial.replace(out)
    return manifest


def read_manifest(archive_path: Path, backup_key: str, into: Path) -> Manifest:
    """Decrypts and unpacks the archive into `into`, checks every member's checksum, returns the manifest."""
    try:
        plain = _fernet(backup_key).decrypt(archive_path.read_bytes())
    except InvalidToken as exc:
        raise BackupError("the archive cannot be decrypted with OKUYAMI_BACKUP_KEY (wrong key or damaged file)",
                          user_message="バックアップを復号できません（鍵が違うか、ファイルが壊れています）。") from exc
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as archive:
        archive.extractall(into, filter="data")
    data = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    manifest = Manifest(data["created_at"], data["dialect"], data["tables"], data["checksums"])
    for name, checksum in manifest.checksums.items():
        if not (into / name).is_file() or _sha256(into / name) != checksum:
            raise BackupError(f"archive member {name} does not match its checksum",
                              user_message="バックアップの中身がチェックサムと一致しません（ファイルが壊れています）。")
    return manifest


def is_empty(database: Database) -> bool:
    with database.engine.connect() as connection:
        counts = table_counts(connection)
    return all(count == 0 for name, count in counts.items() if name != "alembic_version")


def restore_backup(database: Database, instance_path: Path, archive_path: Path, backup_key: str,
                   force: bool = False) -> Manifest:
    if not force and not is_empty(database):
        raise BackupError("the target database is not empty; pass --force to replace its contents",
                          user_message="復元先のデータベースが空ではありません。置き換える場合は --force を"
                                       "付けてください。")
    with tempfile.TemporaryDirectory(prefix="okuyami-restore-") as work:
        folder = Path(work)
        manifest = read_manifest(archive_path, backup_key, folder)
        if manifest.dialect != database.dialect:
            raise BackupError(f"the archive holds a {manifest.dialect} database, the target is {database.dialect}",
                              user_message="バックアップと復元先のデータベースの種類が違います。")
        database.dispose()
        if database.dialect == "sqlite":
            source = sqlite3.connect(folder / "database.sqlite3")
            target = sqlite3.connect(_sqlite_path(database.url))
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        else:
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                     "--single-transaction", f"--dbname={pg_command_url(database.url)}",
                                     str(folder / "database.pgdump")], capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[:500]}",
                                  user_message="データベースの復元 (pg_restore) に失敗しました。")
        files = folder / "files"
        if files.is_dir():
            for path in files.rglob("*"):
                if path.is_file():
                    target_path = instance_path / path.relative_to(files)
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target_path)
    return manifest
