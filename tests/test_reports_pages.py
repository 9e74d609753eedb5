"""The report pages (issue #18, 2 and 5): a supervisor opens a month, drafts it, writes 課題 and 業務改善策,
finalises it (frozen: the figures and texts of that moment stay), makes a correction as a new version with the
history visible; the next month starts from the last month's 課題 and 業務改善策; the auditor and the process owner
read and download, an operator cannot open them; downloads in every format."""
from __future__ import annotations

import re
import subprocess
from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.settings import PROJECT_ROOT
from processes.reports.models import ReportVersion
from tests.web_support import csrf_token, login

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _client(city, name):
    city.app.config["WTF_CSRF_ENABLED"] = True
    client = city.app.test_client()
    response = login(client, name)
    assert response.status_code == 302, name
    return client


def _post(client, path, data=None):
    return client.post(path, data={"csrf_token": csrf_token(client, "/reports"), **(data or {})})


def test_a_supervisor_drafts_writes_finalises_and_corrects_a_month(report_city):
    sv = _client(report_city, "sv")
    page = sv.get("/reports/open?kind=monthly&month=2026-08", follow_redirects=True)
    assert page.status_code == 200 and "月次業務実績　令和8年8月" in page.get_data(as_text=True)
    assert "下書きを作成" in page.get_data(as_text=True)
    assert _post(sv, "/reports/monthly/2026-08/draft").status_code == 302
    saved = _post(sv, "/reports/monthly/2026-08/texts", {"issues": "夕方の応答率が低い", "improvements": "16時台に1席増員"})
    assert saved.status_code == 302
    too_long = _post(sv, "/reports/monthly/2026-08/texts", {"issues": "あ" * 4001})
    assert "課題は4000文字以内で入力してください。" in sv.get(too_long.headers["Location"]).get_data(as_text=True)
    assert _post(sv, "/reports/monthly/2026-08/finalise").status_code == 302
    final = sv.get("/reports/monthly/2026-08").get_data(as_text=True)
    assert "第1版・確定" in final and "夕方の応答率が低い" in final and "訂正版を作成（第2版）" in final
    refused = _post(sv, "/reports/monthly/2026-08/texts", {"issues": "書き換え"})
    assert "確定済み" in sv.get(refused.headers["Location"]).get_data(as_text=True)
    _post(sv, "/reports/monthly/2026-08/draft", {"correction": "1"})
    _post(sv, "/reports/monthly/2026-08/texts", {"issues": "夕方の応答率が低い（訂正）", "improvements": "16時台に1席増員"})
    corrected = sv.get("/reports/monthly/2026-08").get_data(as_text=True)
    assert "第2版・下書き" in corrected and "版の履歴" in corrected
    assert "夕方の応答率が低い" in sv.get("/reports/monthly/2026-08?version=1").get_data(as_text=True)
    assert "（訂正）" not in sv.get("/reports/monthly/2026-08?version=1").get_data(as_text=True)
    with report_city.database.transaction(write=False) as session:
        rows = session.scalars(select(ReportVersion).where(ReportVersion.period == "2026-08")
                               .order_by(ReportVersion.version)).all()
        assert [(r.version, r.state, r.issues) for r in rows] == [
            (1, "final", "夕方の応答率が低い"), (2, "draft", "夕方の応答率が低い（訂正）")]
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("report.%"))))
    assert {"report.drafted", "report.finalised"} <= actions
    # the next month starts from August's latest 課題 and 業務改善策, so that the measures can be followed
    september = sv.get("/reports/monthly/2026-09").get_data(as_text=True)
    assert "（訂正）" in september and "16時台に1席増員" in september


def test_readers_read_and_download_and_others_may_not(report_city):
    auditor = _client(report_city, "auditor")
    index = auditor.get("/reports").get_data(as_text=True)
    assert "月次業務実績" in index and "令和8年度" in index and "下書きを作成" not in index
    page = auditor.get("/reports/daily/2026-12-01")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "業務日誌　令和8年12月1日（火）" in text and "下書きを作成" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", re.sub(r'(href|value|action)="[^"]*"', "", text))
    xlsx = auditor.get("/reports/annual/2026/download.xlsx")
    assert xlsx.status_code == 200 and load_workbook(BytesIO(xlsx.data))["表紙"]["A2"].value == "令和8年度"
    assert auditor.post("/reports/monthly/2026-07/draft").status_code in (400, 403)
    owner = _client(report_city, "po")
    pack = owner.get("/reports/monthly/2026-11/download.pack.pdf")
    assert pack.status_code == 200 and pack.data.startswith(b"%PDF")
    assert "report-monthly-pack-2026-11.pdf" in pack.headers["Content-Disposition"]
    box = PdfReader(BytesIO(pack.data)).pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)          # A4 landscape, like slides
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "4", "-", str(ARTIFACTS / "report-pack")],
                   input=pack.data, check=True)
    operator = _client(report_city, "op")
    assert operator.get("/reports").status_code == 403
    assert operator.get("/reports/monthly/2026-11/download.pdf").status_code == 403


def test_a_wrong_period_is_told_in_japanese(report_city):
    sv = _client(report_city, "sv")
    answer = sv.get("/reports/monthly/2026-13", follow_redirects=True)
    assert answer.status_code == 200 and "月は YYYY-MM の形で指定してください" in answer.get_data(as_text=True)
    assert sv.get("/reports/weekly/2026-11").status_code == 404
