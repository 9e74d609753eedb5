"""Backups an operator can trust: one encrypted archive that restores every table and file, and refuses mistakes."""
from __future__ import annotations

import uuid

import psycopg
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, text

from bench.fixtures import PG_ADMIN_URL, sqlalchemy_pg_url
from engine import crypto
from engine.db.session import Database
from tests.case_support import book
from web.cli import main

BACKUP_KEY = crypto.generate_key()


def _instance(folder, url, data_key):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "okuyami.toml").write_text(
        f'database_url = "{url}"\nsecret_key = "s-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n'
        f'backup_key = "{BACKUP_KEY}"\n', encoding="utf-8")
    return folder


def _run(instance, *args):
    return CliRunner().invoke(main, ["--instance", str(instance), *args])


def _rows(database: Database) -> dict[str, list[tuple]]:
    with database.engine.connect() as connection:
        names = sorted(n for n in inspect(connection).get_table_names() if n != "alembic_version")
        return {name: sorted(map(tuple, connection.execute(text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in names}


@pytest.fixture
def empty_target(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'okuyami.db'}"
        return
    name = f"okuyami_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield sqlalchemy_pg_url(name)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_drill_brings_back_every_table_and_file(database, case_runtime, data_key, tmp_path, empty_target):
    book(case_runtime)
    source = _instance(tmp_path / "source", database.url, data_key)
    (source / "attachments").mkdir()
    (source / "attachments" / "faq-1.pdf").write_bytes(b"%PDF-1.4 attachment")
    archive = tmp_path / "backups" / "okuyami.backup"

    made = _run(source, "backup", "--out", str(archive))
    assert made.exit_code == 0, made.output
    assert "バックアップを書き出しました" in made.output
    assert b"SQLite format" not in archive.read_bytes() and b"PGDMP" not in archive.read_bytes()

    target = _instance(tmp_path / "target", empty_target, data_key)
    restored = _run(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    copy = Database(empty_target)
    try:
        before, after = _rows(database), _rows(copy)
        assert sum(len(rows) for rows in before.values()) > 0
        assert before == after
    finally:
        copy.dispose()
    assert (target / "attachments" / "faq-1.pdf").read_bytes() == b"%PDF-1.4 attachment"
    assert not (target / "okuyami.toml").read_text(encoding="utf-8").count(database.url)


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(database, case_runtime, data_key, tmp_path):
    book(case_runtime)
    instance = _instance(tmp_path / "instance", database.url, data_key)
    archive = tmp_path / "okuyami.backup"
    assert _run(instance, "backup", "--out", str(archive)).exit_code == 0

    refused = _run(instance, "restore", str(archive))
    assert refused.exit_code == 1
    assert "復元先のデータベースが空ではありません" in refused.output and "--force" in refused.output

    forced = _run(instance, "restore", str(archive), "--force")
    assert forced.exit_code == 0, forced.output


def test_an_archive_needs_the_backup_key(database, data_key, tmp_path):
    instance = _instance(tmp_path / "instance", database.url, data_key)
    archive = tmp_path / "okuyami.backup"
    assert _run(instance, "backup", "--out", str(archive)).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "okuyami.toml").write_text(
        (instance / "okuyami.toml").read_text(encoding="utf-8").replace(BACKUP_KEY, crypto.generate_key()),
        encoding="utf-8")
    refused = _run(other, "restore", str(archive), "--force")
    assert refused.exit_code == 1
    assert "バックアップを復号できません" in refused.output


def test_backup_without_a_key_says_how_to_make_one(database, data_key, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "okuyami.toml").write_text(f'database_url = "{database.url}"\ndata_key = "{data_key}"\nsecret_key = "s"\n',
                                           encoding="utf-8")
    refused = _run(instance, "backup", "--out", str(tmp_path / "x.backup"))
    assert refused.exit_code == 1
    assert "OKUYAMI_BACKUP_KEY" in refused.output and "okuyami keys generate" in refused.output
    assert not (tmp_path / "x.backup").exists()


def test_the_worker_keeps_the_last_days_and_every_month_end(database, data_key, tmp_path):
    from datetime import date, datetime, timedelta, timezone

    from engine.settings import load_settings
    from processes.operations.jobs import daily_backup

    instance = _instance(tmp_path / "instance", database.url, data_key)
    folder = tmp_path / "second-disk"
    with (instance / "okuyami.toml").open("a", encoding="utf-8") as config:
        config.write(f'backup_folder = "{folder}"\nbackup_keep_days = 3\n')
    settings = load_settings(instance, environ={})
    start = datetime(2026, 10, 27, 3, tzinfo=timezone.utc)     # 12:00 in Tokyo
    for offset in range(10):                                     # 27 October to 5 November
        daily_backup(database, settings, start + timedelta(days=offset))
    daily_backup(database, settings, start + timedelta(days=9, hours=5))   # the same day again: nothing new
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["okuyami-2026-10-31.backup", "okuyami-2026-11-03.backup", "okuyami-2026-11-04.backup",
                    "okuyami-2026-11-05.backup"]
    restored = _run(instance, "restore", str(folder / kept[-1]), "--force")
    assert restored.exit_code == 0, restored.output
    assert date(2026, 11, 5).isoformat() in kept[-1]
