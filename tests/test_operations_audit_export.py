"""The auditor's CSV carries the audit chain: each row's link hashes, and the exact data each hash covers, so that a
period can be checked offline with nothing but Python's standard library; a changed, dropped or inserted row is
found; every cell stays formula-safe."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from engine.db.models import User
from engine.runtime import audit
from processes.operations.audit_chain import verify
from processes.operations.verify_audit_csv import check
from tests.support import ROOT

VERIFIER = ROOT / "processes" / "operations" / "verify_audit_csv.py"


def _entries(database, days=(1, 2, 3)):
    for day in days:
        with time_machine.travel(datetime(2026, 11, day, 1, tzinfo=timezone.utc), tick=False):
            with database.transaction() as session:
                audit.record(session, "op", "user.login")
                audit.record(session, "op", "case.viewed", instance_id=day, detail={"personal_data": True})


def _rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))


def _text(rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def test_a_period_exported_with_the_chain_verifies_offline(browsers, database, tmp_path):
    _entries(database)
    response = browsers["auditor"].get("/audit.csv?from=2026-11-02&to=2026-11-03")
    assert response.status_code == 200
    rows = _rows(response.get_data())
    assert rows[0][6:] == ["記録番号", "前の記録のハッシュ", "この記録のハッシュ", "検証用データ"]
    assert len(rows) == 5 and [int(r[6]) for r in rows[1:]] == sorted(int(r[6]) for r in rows[1:])
    with database.transaction(write=False) as session:   # the first row follows the last link of 1 November
        assert verify(session).intact
    assert check(_text(rows)) == (4, None)

    exported = tmp_path / "audit.csv"
    exported.write_bytes(response.get_data())
    ran = subprocess.run([sys.executable, "-I", str(VERIFIER), str(exported)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert ran.returncode == 0 and "4件の記録のハッシュとつながりを確認しました" in ran.stdout, ran.stderr

    changed = [row[:] for row in rows]
    changed[2][9] = changed[2][9].replace('"op"', '"someone"')
    assert "内容がハッシュと一致しません" in check(_text(changed))[1]
    dropped = rows[:2] + rows[3:]
    assert "つながりが一致しません" in check(_text(dropped))[1]
    assert check(_text(dropped), contiguous=False) == (3, None)
    assert "つながり" in check(_text(rows), previous="f" * 64)[1]


def test_every_cell_of_the_chained_export_stays_formula_safe(browsers, database):
    _entries(database, days=(1,))
    browsers["op"]   # signs the account in, so that it exists
    with database.transaction() as session:
        session.scalar(select(User).where(User.username == "op")).display_name = "=cmd|'/c calc'!A1"
    rows = _rows(browsers["auditor"].get("/audit.csv?actor=op").get_data())
    assert rows[1:] and all(row[1] == "'=cmd|'/c calc'!A1" for row in rows[1:])
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert all(row[9].startswith("{") and len(row[8]) == 64 for row in rows[1:])
