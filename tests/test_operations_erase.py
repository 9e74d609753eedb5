"""Erase-all at the end of the contract: refused without the city's code, then every table, stored file and backup
gone, and a verification report that checks it (a demo family's name is found nowhere in the data folders)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from engine.db.migrate import is_up_to_date
from engine.db.models import AuditEntry
from engine.runtime import audit
from engine.settings import load_settings
from processes.callcentre.models import ContactRecord
from processes.notifications.models import Notification
from processes.operations.audit_chain import seal
from processes.operations.backup import table_counts, write_backup
from processes.operations.erase import search_names
from web.cli import main

DEMO_NAME = "幸 花江"   # the demo city's closed case (processes/demo/cases.py)


@pytest.fixture
def filled(database, instance_dir, tmp_path):
    backups = tmp_path / "second-disk"
    with (instance_dir / "okuyami.toml").open("a", encoding="utf-8") as config:
        config.write(f'backup_key = "{Fernet.generate_key().decode()}"\nbackup_folder = "{backups}"\n')
    with database.transaction() as session:
        session.add(ContactRecord(channel="phone", counterpart_type="citizen", operator="operator1",
                                  started_at=datetime(2026, 11, 2, 1, tzinfo=timezone.utc), outcome="answered",
                                  question=f"{DEMO_NAME}さんの葬祭費について"))
        session.add(Notification(recipient="clerk1", kind="overdue", title="期限超過のタスクがあります"))
        audit.record(session, "clerk1", "case.viewed", instance_id=1)
        seal(session)
    exports = instance_dir / "exports"
    exports.mkdir()
    (exports / "memo.txt").write_text(f"{DEMO_NAME} 様の控え", encoding="utf-8")
    settings = load_settings(instance_dir, environ={})
    write_backup(database, instance_dir, backups / "okuyami-2026-12-01.backup", settings.backup_key, backups)
    return backups


def _rows(database) -> int:
    with database.engine.connect() as connection:
        return sum(count for name, count in table_counts(connection).items() if name != "alembic_version")


def test_erase_all_is_refused_without_the_city_code(database, instance_dir, filled):
    before = _rows(database)
    missing = CliRunner().invoke(main, ["--instance", str(instance_dir), "erase-all"])
    wrong = CliRunner().invoke(main, ["--instance", str(instance_dir), "erase-all", "--confirm", "131001"])
    assert missing.exit_code == wrong.exit_code == 1
    assert "全国地方公共団体コード" in missing.output and "何も消去していません" in missing.output
    assert "一致しません" in wrong.output and "141305" not in wrong.output
    assert _rows(database) == before > 0
    assert (instance_dir / "exports" / "memo.txt").exists() and list(filled.iterdir())


def test_erase_all_empties_every_table_file_and_backup_and_verifies_it(database, instance_dir, filled, tmp_path):
    database_file = [Path(database.url.split("///")[1])] if database.dialect == "sqlite" else []
    searched, hits = search_names([instance_dir, filled] + database_file, [DEMO_NAME])
    assert hits, "before erasing, the name is in the data folders (so the check below means something)"
    certificate = tmp_path / "certificate.txt"
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "erase-all", "--confirm", "141305",
                                       "--report", str(certificate)])
    assert result.exit_code == 0, result.output
    assert "表すべて空です" in result.output and "消去を確認しました" in result.output
    assert "どれも見つかりませんでした" in result.output and "contact_records: 1行 → 0行" in result.output
    assert "バックアップ: 1件を削除し、1件が残っていないことを確認しました" in result.output
    assert certificate.read_text(encoding="utf-8").splitlines()[0].startswith("全データ消去の検証報告（令和")
    assert _rows(database) == 0
    assert is_up_to_date(database)   # an empty but valid database
    assert not (instance_dir / "exports").exists() and (instance_dir / "okuyami.toml").exists()
    assert list(filled.iterdir()) == []
    assert search_names([instance_dir, filled] + database_file, [DEMO_NAME])[1] == []
    for path in database_file:   # VACUUM: no freed page of the SQLite file keeps the old bytes
        assert DEMO_NAME.encode() not in path.read_bytes()
    with database.transaction() as session:   # the emptied database takes new data again, the audit log too
        audit.record(session, "admin1", "user.login")
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_the_report_is_refused_inside_the_folders_it_erases(database, instance_dir, filled):
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "erase-all", "--confirm", "141305",
                                       "--report", str(Path(instance_dir) / "certificate.txt")])
    assert result.exit_code == 1 and "外を指定してください" in result.output
    assert _rows(database) > 0
