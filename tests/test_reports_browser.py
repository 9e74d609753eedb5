"""The report pages in Chromium at 1366×768 (issue #18): a supervisor picks a month, drafts it, writes 課題 and
業務改善策 and finalises it; the auditor reads it without the maker's buttons; an operator reports an incident and
the supervisor finds it in the list. Screenshots under test-artifacts/, axe-core finds nothing serious, the CSP
refuses nothing and no screen shows an ISO date."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from engine import accounts
from processes.demo.cases import seed_demo_cases
from processes.demo.contacts import seed_demo_contacts
from processes.public.models import SurveyAnswer
from processes.reports.builds import run_builds
from tests.browser_support import SignedIn, live_server, serious_violations, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
CITY_PC = {"width": 1366, "height": 768}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _city(platform):
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        accounts.create_user(session, "supervisor1", "supervisor", PASSWORD, display_name="監督 花子")
        accounts.create_user(session, "auditor1", "auditor", PASSWORD, display_name="監査 三郎")
        accounts.create_user(session, "operator1", "operator", PASSWORD, display_name="予約センター 一郎")
        session.add(SurveyAnswer(public_id="browser-comment", ward="nakahara", answered_on=date(2025, 6, 11),
                                 week_start=date(2025, 6, 9), source="sheet", corner_satisfaction=5,
                                 callcentre_satisfaction=4, time_felt_right=True, received_at=datetime.now(UTC),
                                 comment="丁寧に案内していただきました。連絡先 044-200-1234".encode()))
    seed_demo_contacts(platform)
    seed_demo_cases(platform.runtime)
    return platform


@pytest.fixture(scope="module")
def served(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("reports"), data_key, _city) as found:
        yield found


@pytest.fixture(scope="module")
def city(served):
    return served[0]


def _checked(screen, page, name):
    page.set_viewport_size(CITY_PC)
    shot(page, name)
    assert serious_violations(page) == [], name
    assert screen.csp_refusals() == [], name
    assert not ISO_DATE.search(page.inner_text("main")), name


def test_a_supervisor_finalises_a_month_and_the_auditor_reads_it(browser, city):
    supervisor = SignedIn(browser, city, "supervisor1", PASSWORD)
    page = supervisor.open("/reports")
    assert "報告書" in page.inner_text("main") and "年次業務実績" in page.inner_text("main")
    _checked(supervisor, page, "reports-index-supervisor")
    page.locator("form", has_text="月次業務実績").locator("button").click()
    page.wait_for_load_state()
    heading = page.inner_text("h1")
    assert heading.startswith("月次業務実績　令和") and "未作成" in page.inner_text("main")
    page.click("text=下書きを作成")
    page.wait_for_load_state()
    assert "第1版の下書きを最新の数値で用意しました" in page.inner_text("main")
    page.fill("#issues", "16時台の応答率が目標を下回った")
    page.fill("#improvements", "16時台に1席増員する")
    page.click("text=記入内容を保存")
    page.wait_for_load_state()
    page.locator("button", has_text="を確定").click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "第1版・確定" in text and "16時台に1席増員する" in text and "訂正版を作成（第2版）" in text
    assert "応対履歴" in text and "受付方法別" in text and "アンケート（満足度）" in text
    _checked(supervisor, page, "reports-month-finalised-supervisor")
    path = page.url.split(city, 1)[1]

    auditor = SignedIn(browser, city, "auditor1", PASSWORD)
    read = auditor.open(path)
    text = read.inner_text("main")
    assert "16時台の応答率が目標を下回った" in text and "を確定" not in text and "記入内容を保存" not in text
    assert read.locator("a", has_text="Excelでダウンロード").count() == 1
    _checked(auditor, read, "reports-month-auditor")


def test_an_operator_reports_an_incident_and_the_supervisor_lists_it(browser, city):
    operator = SignedIn(browser, city, "operator1", PASSWORD)
    page = operator.open("/incidents/new")
    page.click("text=起票してスーパーバイザーの確認へ")
    page.wait_for_load_state()
    assert "種別を選んでください" in page.inner_text("main")
    _checked(operator, page, "incident-form-errors-operator")
    page.select_option("#kind", "system")
    page.fill("#occurred_at", "2026-11-20T10:30")
    page.check("input[name=personal_data][value=no]")
    page.fill("#what_happened", "予約画面が5分間表示されなかった")
    page.fill("#affected", "お電話中のご家族1組")
    page.fill("#immediate_response", "紙の予約台帳で受け付けた")
    page.click("text=起票してスーパーバイザーの確認へ")
    page.wait_for_load_state()
    assert "を受け付けました" in page.inner_text("main")
    _checked(operator, page, "incident-form-sent-operator")

    supervisor = SignedIn(browser, city, "supervisor1", PASSWORD)
    listing = supervisor.open("/incidents")
    assert "システム障害" in listing.inner_text("main") and "確認待ち" in listing.inner_text("main")
    _checked(supervisor, listing, "incidents-supervisor")
    listing.locator("a", has_text="号").first.click()
    listing.wait_for_load_state()
    assert "紙の予約台帳で受け付けた" in listing.inner_text("main")
    assert listing.locator("a", has_text="確認して市へ提出する").count() == 1
    _checked(supervisor, listing, "incident-supervisor")


def test_a_supervisor_picks_survey_comments_and_has_the_pdf_built(browser, served):
    city, platform = served
    supervisor = SignedIn(browser, city, "supervisor1", PASSWORD)
    page = supervisor.open("/reports/monthly/2025-06")
    page.click("text=アンケートのご意見を確認・選択")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "丁寧に案内していただきました。" in text and "（電話番号）" in text and "1234" not in text
    _checked(supervisor, page, "reports-comments-supervisor")
    page.check("input[name=answer]")
    page.click("text=印を付けたご意見を報告書に載せる")
    page.wait_for_load_state()
    assert "報告書に載せるご意見を1件にしました" in page.inner_text("main")
    page = supervisor.open("/reports/monthly/2025-06")
    assert "丁寧に案内していただきました。" in page.inner_text("main")
    page.locator("button", has_text="定例報告会資料（PDF）を作成").click()
    page.wait_for_load_state()
    assert "状態：待機中" in page.inner_text("main")
    _checked(supervisor, page, "reports-build-waiting-supervisor")
    assert run_builds(platform.database, platform.runtime) == 1
    page.locator("#build-status", has_text="状態：完了").wait_for()          # the page polls itself (htmx)
    assert "状態：完了" in page.inner_text("main") and page.locator("a", has_text="ファイルをダウンロード").count() == 1
    _checked(supervisor, page, "reports-build-done-supervisor")
