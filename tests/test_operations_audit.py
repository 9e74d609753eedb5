"""The tamper-evident audit trail: sealed entries chained by hash per day; `okuyami audit verify` finds a change."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engine.runtime import audit
from processes.operations.audit_chain import GENESIS, seal, verify
from processes.operations.models import AuditChainLink
from web.cli import main


@pytest.fixture
def three_days(database):
    """Audit entries written on three days (the clock moved, as it does)."""
    for day in (1, 2, 3):
        for n in range(2):
            with time_machine.travel(datetime(2026, 11, day, 1 + n, tzinfo=timezone.utc), tick=False):
                with database.transaction() as session:
                    audit.record(session, "clerk1", f"case.viewed.{day}.{n}", detail={"kind": "test"})
    with database.transaction() as session:
        assert seal(session) == 6
    return database


def test_each_day_is_anchored_in_the_next_days_first_entry(three_days):
    with three_days.transaction(write=False) as session:
        links = session.scalars(select(AuditChainLink).order_by(AuditChainLink.audit_id)).all()
        report = verify(session)
    assert [link.day for link in links] == [date(2026, 11, d) for d in (1, 1, 2, 2, 3, 3)]
    assert links[0].previous_hash == GENESIS
    assert all(later.previous_hash == earlier.entry_hash for earlier, later in zip(links, links[1:]))
    assert report.intact and report.checked == 6


def test_a_changed_entry_is_the_first_broken_link(three_days):
    """Someone with the database owner's rights lifts the append-only trigger and edits an entry of 2 November."""
    with three_days.engine.connect() as connection:
        transaction = connection.begin()
        if three_days.dialect == "sqlite":
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update ON audit_log"))
        changed = connection.execute(text("SELECT min(id) FROM audit_log WHERE action LIKE 'case.viewed.2.%'")).scalar()
        connection.execute(text("UPDATE audit_log SET actor = 'someone_else' WHERE id = :id"), {"id": changed})
        session = Session(bind=connection)
        whole = verify(session)
        first_day_only = verify(session, date(2026, 11, 1), date(2026, 11, 1))
        from_the_third = verify(session, date(2026, 11, 3))
        session.close()
        transaction.rollback()
    assert not whole.intact and whole.broken_at == changed and whole.broken_day == date(2026, 11, 2)
    assert "変更" in whole.reason
    assert first_day_only.intact and from_the_third.intact


def test_audit_verify_seals_new_entries_and_reports_a_broken_link(three_days, instance_dir):
    with three_days.transaction() as session:
        audit.record(session, "clerk1", "case.viewed", detail={})
        session.execute(text("UPDATE audit_chain SET entry_hash = :h WHERE audit_id = "
                             "(SELECT min(audit_id) FROM audit_chain WHERE day = :d)"),
                        {"h": "f" * 64, "d": date(2026, 11, 3)})
    runner = CliRunner()
    first_two_days = runner.invoke(main, ["--instance", str(instance_dir), "audit", "verify",
                                          "--from", "2026-11-01", "--to", "2026-11-02"])
    assert first_two_days.exit_code == 0, first_two_days.output
    assert "新しい監査記録1件をチェーンに封印しました" in first_two_days.output
    assert "監査記録のチェーンは正常です（4件を確認）" in first_two_days.output
    everything = runner.invoke(main, ["--instance", str(instance_dir), "audit", "verify"])
    assert everything.exit_code == 1
    assert "令和8年11月3日（火）" in everything.output and "壊れています" in everything.output
    bad_day = runner.invoke(main, ["--instance", str(instance_dir), "audit", "verify", "--from", "11/3"])
    assert bad_day.exit_code == 2 and "2026-04-01 の形で" in bad_day.output
