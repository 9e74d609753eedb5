"""`okuyami contacts`: the CSV export an administrator runs from the shell (audited), and the routing table's
answer for a category."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from engine.db.models import AuditEntry
from tests.callcentre_support import contact
from web.cli import main


def test_contacts_export_writes_the_csv_and_is_audited(api, instance_dir, database, tmp_path):
    api.post("/contacts", "op", contact(question="葬祭費の申請先を知りたい。", channel="fax"))
    api.post("/contacts", "op", contact(question="予約を変更したい。"))
    out = tmp_path / "contacts.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["--instance", str(instance_dir), "contacts", "export", "--channel", "fax",
                                  "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0 and "1件の応対履歴" in result.output
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff応対番号,") and "葬祭費の申請先を知りたい。" in text and "予約を変更したい。" not in text
    with database.transaction(write=False) as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "contacts.exported")).one()
    assert entry.actor == "cli" and entry.detail == {"count": 1, "filters": ["channel"]}
    bad = runner.invoke(main, ["--instance", str(instance_dir), "contacts", "export", "--from", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_contacts_route_names_the_department_of_a_category():
    result = CliRunner().invoke(main, ["contacts", "route", "税（市県民税・軽自動車税など）"])
    assert result.exit_code == 0 and result.stdout.strip() == "市税事務所（shizei_jimusho）"
