"""Survey comments in the monthly report (issue #18, 2 "with comments"): a family's comment reaches the report only
after a supervisor has picked it on the review list, with phone numbers and e-mail addresses masked; only the picked
ones are in the HTML, XLSX and PDF; reading the list and picking are audited; readers other than supervisors and
admins cannot open the list."""
from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from engine.db.models import AuditEntry
from processes.public.models import SurveyAnswer
from processes.reports.survey_comments import mask
from tests.web_support import csrf_token, login

MONTH = "2026-05"
PICKED = "説明が丁寧で助かりました。折り返しは０９０－１２３４－５６７８ か taro.yamada@example.jp まで"
LEFT_OUT = "山田花子の件で担当の方に失礼な対応をされました"
OTHER_MONTH = "6月の回答のご意見"


def _client(city, name):
    city.app.config["WTF_CSRF_ENABLED"] = True
    client = city.app.test_client()
    assert login(client, name).status_code == 302, name
    return client


def _answer(session, number: int, day: date, comment: str) -> int:
    row = SurveyAnswer(public_id=f"comment-test-{number}", ward="nakahara", answered_on=day,
                       week_start=day - timedelta(days=day.weekday()), source="sheet", corner_satisfaction=4,
                       callcentre_satisfaction=4, time_felt_right=True, comment=comment.encode("utf-8"),
                       received_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return row.id


def test_masking_hides_phone_numbers_and_mail_addresses_and_keeps_the_rest():
    assert mask("電話 044-200-1234 まで") == "電話 （電話番号） まで"
    assert mask("０９０（１２３４）５６７８へ") == "（電話番号）へ"
    assert mask("連絡は a.b+c@example.co.jp です") == "連絡は （メールアドレス） です"
    assert mask("待ち時間は15分、番号札は3番でした") == "待ち時間は15分、番号札は3番でした"


def test_only_the_comments_a_supervisor_picked_appear_in_the_month_masked_and_audited(report_city):
    with report_city.database.transaction() as session:
        picked = _answer(session, 1, date(2026, 5, 12), PICKED)
        left_out = _answer(session, 2, date(2026, 5, 13), LEFT_OUT)
        _answer(session, 3, date(2026, 6, 1), OTHER_MONTH)
    sv = _client(report_city, "sv")
    report = sv.get(f"/reports/monthly/{MONTH}").get_data(as_text=True)
    assert "アンケートのご意見を確認・選択" in report and "説明が丁寧" not in report and "山田花子" not in report
    review = sv.get(f"/reports/monthly/{MONTH}/comments").get_data(as_text=True)
    assert "アンケートのご意見の確認　令和8年5月" in review and "山田花子" in review
    assert "（電話番号）" in review and "（メールアドレス）" in review
    assert "5678" not in review and "example.jp" not in review and OTHER_MONTH not in review
    token = csrf_token(sv, f"/reports/monthly/{MONTH}/comments")
    saved = sv.post(f"/reports/monthly/{MONTH}/comments", data={"csrf_token": token, "answer": [str(picked)]},
                    follow_redirects=True)
    assert "報告書に載せるご意見を1件にしました" in saved.get_data(as_text=True)
    wrong = sv.post(f"/reports/monthly/{MONTH}/comments", data={"csrf_token": token, "answer": ["x"]},
                    follow_redirects=True)
    assert wrong.status_code == 200 and "選択されたご意見の指定に誤りがあります" in wrong.get_data(as_text=True)
    elsewhere = sv.post(f"/reports/monthly/{MONTH}/comments", follow_redirects=True,
                        data={"csrf_token": token, "answer": [str(picked), str(left_out + 1)]})
    assert "この月のアンケートにありません" in elsewhere.get_data(as_text=True)

    page = sv.get(f"/reports/monthly/{MONTH}").get_data(as_text=True)
    assert "説明が丁寧で助かりました" in page and "（電話番号）" in page and "山田花子" not in page
    html = sv.get(f"/reports/monthly/{MONTH}/download.html").get_data(as_text=True)
    assert "説明が丁寧で助かりました" in html and "山田花子" not in html and "5678" not in html
    workbook = load_workbook(BytesIO(sv.get(f"/reports/monthly/{MONTH}/download.xlsx").data))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("説明が丁寧で助かりました" in c and "（メールアドレス）" in c for c in cells)
    assert not any("山田花子" in c or "5678" in c for c in cells)
    pdf = subprocess.run(["pdftotext", "-", "-"], input=sv.get(f"/reports/monthly/{MONTH}/download.pdf").data,
                         capture_output=True, check=True).stdout.decode("utf-8")
    assert "説明が丁寧で助かりました" in pdf and "山田花子" not in pdf

    # taking it out again empties the report's comments
    sv.post(f"/reports/monthly/{MONTH}/comments", data={"csrf_token": token})
    assert "説明が丁寧で助かりました" not in sv.get(f"/reports/monthly/{MONTH}").get_data(as_text=True)
    with report_city.database.transaction(write=False) as session:
        actions = session.execute(select(AuditEntry.actor, AuditEntry.action)
                                  .where(AuditEntry.action.like("report.survey_comments%"))).all()
    assert ("sv", "report.survey_comments_read") in actions and ("sv", "report.survey_comments_picked") in actions


def test_the_review_list_is_for_supervisors_and_admins_only(report_city):
    auditor = _client(report_city, "auditor")
    assert auditor.get(f"/reports/monthly/{MONTH}/comments").status_code == 403
    assert "アンケートのご意見を確認・選択" not in auditor.get(f"/reports/monthly/{MONTH}").get_data(as_text=True)
    assert _client(report_city, "po").get(f"/reports/monthly/{MONTH}/comments").status_code == 403
    assert _client(report_city, "op").get(f"/reports/monthly/{MONTH}/comments").status_code == 403
    wrong = _client(report_city, "sv").get("/reports/monthly/2026-13/comments", follow_redirects=True)
    assert wrong.status_code == 200 and "月は YYYY-MM の形で指定してください" in wrong.get_data(as_text=True)
