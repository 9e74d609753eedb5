"""The purge deletes what has outlived its retention period and records what it deleted, never the data."""
from __future__ import annotations

from datetime import datetime, timezone

from click.testing import CliRunner
from sqlalchemy import func, select

from processes.administration.retention import save_retention
from processes.notifications.models import Notification
from processes.operations.models import PurgeRecord
from processes.operations.purge import purge
from web.cli import main

NOW = datetime(2026, 12, 3, 1, tzinfo=timezone.utc)


def _notification(session, created_at):
    session.add(Notification(recipient="clerk1", kind="overdue", title="期限超過のタスクがあります",
                             created_at=created_at))


def test_notifications_older_than_their_period_are_deleted_and_the_purge_recorded(database):
    with database.transaction() as session:
        form = {"notifications": "3", "case_personal_data": "12", "print_packets": "3", "contact_records": "60",
                "call_recordings": "6", "audit_log": "60"}
        save_retention(session, form, "admin1")
        _notification(session, datetime(2026, 8, 1, tzinfo=timezone.utc))
        _notification(session, datetime(2026, 9, 2, tzinfo=timezone.utc))
        _notification(session, datetime(2026, 9, 4, tzinfo=timezone.utc))
    with database.transaction() as session:
        counted = purge(session, "test", dry_run=True, now=NOW)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 3
        assert session.scalar(select(func.count()).select_from(PurgeRecord)) == 0
        done = purge(session, "test", now=NOW)
    assert [(r.kind, r.count) for r in counted] == [(r.kind, r.count) for r in done]
    assert {r.kind: r.count for r in done}["notifications"] == 2
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 1
        [record] = session.scalars(select(PurgeRecord).where(PurgeRecord.kind == "notifications")).all()
    assert (record.kind, record.deleted, record.actor) == ("notifications", 2, "test")
    assert record.up_to == datetime(2026, 9, 3, 1, tzinfo=timezone.utc)


def test_okuyami_purge_dry_run_counts_without_deleting(database, instance_dir):
    with database.transaction() as session:
        _notification(session, datetime(2020, 1, 1, tzinfo=timezone.utc))
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "職員へのお知らせ: 1件削除対象" in result.output and "確認のみ" in result.output
    assert "通話録音: 通話録音の削除ジョブ" in result.output
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 1
    done = CliRunner().invoke(main, ["--instance", str(instance_dir), "purge"])
    assert "職員へのお知らせ: 1件削除しました" in done.output
