"""The auditor's screen: the audit trail searched by person, case, action and period, each personal-data read
listed, a formula-safe CSV of the same search; read only, for the auditor alone; no codes on it."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry, User
from engine.runtime import audit
from tests.admin_support import repository_values_afterwards  # noqa: F401 - fixture
from tests.page_support import Browsers, new_case, text_of

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@pytest.fixture
def browsers(api_app, database):
    return Browsers(api_app, database)


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("<tr")[1:]]


def test_the_trail_is_searched_by_person_case_action_and_period(browsers, api_app, database):
    case_id = new_case(api_app)
    browsers["counter_naka"].get(f"/cases/{case_id}")                 # a personal-data read
    with database.transaction() as s:
        audit.record(s, "op", "user.logout")
    auditor = browsers["auditor"]
    everything = text_of(auditor.get("/audit"))
    assert "案件を開始" in everything and "ログイン" in everything

    by_case = rows_of(text_of(auditor.get(f"/audit?case={case_id}")))
    assert by_case and all(f" {case_id} " in row for row in by_case)
    reads = rows_of(text_of(auditor.get("/audit?personal=1")))
    assert reads and all("案件の個人情報を閲覧" in row and "個人情報の閲覧" in row for row in reads)
    mine = rows_of(text_of(auditor.get("/audit?actor=op&action=user.logout")))
    assert len(mine) == 1 and "ログアウト" in mine[0]
    assert rows_of(text_of(auditor.get("/audit?from=2026-11-24&to=2026-11-24")))
    assert rows_of(text_of(auditor.get("/audit?from=2026-11-25"))) == []


def test_the_trail_shows_names_and_japanese_words_never_codes_or_iso_timestamps(browsers, api_app, database):
    case_id = new_case(api_app)
    browsers["kumin_naka"].get("/tasks")
    with database.transaction() as s:
        for user in s.scalars(select(User)):
            user.display_name = f"職員{user.id}"       # test accounts are named by their login IDs
    page = text_of(browsers["auditor"].get("/audit"))
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    visible = re.sub(r"<[^>]+>", " ", table)
    assert "令和8年11月24日（火） 10:00" in visible
    assert not ISO_TIMESTAMP.search(visible)
    assert "職員" in visible
    for code in ("user.login", "instance.started", "kumin_naka", "kumin", "nakahara"):
        assert code not in visible, code
    assert case_id


def test_bad_search_values_say_what_is_allowed(browsers):
    response = browsers["auditor"].get("/audit?case=abc&from=2026-13-01&action=drop.tables")
    page = text_of(response)
    assert response.status_code == 422
    assert "案件番号は数字で入力してください" in page and "期間の開始日は日付で入力してください" in page
    assert "操作は一覧から選んでください" in page


def test_the_csv_export_is_formula_safe_excel_text_and_is_itself_logged(browsers, api_app, database):
    with database.transaction() as s:
        audit.record(s, "op", "user.logout")
    browsers["op"]
    with database.transaction() as s:
        s.scalar(select(User).where(User.username == "op")).display_name = "=HYPERLINK(\"x\")"
    response = browsers["auditor"].get("/audit.csv?actor=op")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"), newline="")))
    assert rows[0][:6] == ["日時", "操作した人", "操作", "案件番号", "個人情報の閲覧", "内容"]
    assert rows[1:] and all(row[1] == "'=HYPERLINK(\"x\")" for row in rows[1:])
    with database.transaction(write=False) as s:
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "audit.exported"


def test_the_trail_is_the_auditor_s_alone_and_read_only(browsers, api_app):
    for name in ("admin", "op", "sv", "counter_naka"):
        assert browsers[name].get("/audit").status_code == 403
        assert browsers[name].get("/audit.csv").status_code == 403
    assert browsers["auditor"].post("/audit").status_code == 405
    rules = {r.rule: r.methods for r in api_app.url_map.iter_rules() if r.rule.startswith("/audit")}
    assert all(methods <= {"GET", "HEAD", "OPTIONS"} for methods in rules.values())
