"""The supervisor's service-level dashboard and the recordings page in Chromium at 1366×768 over the demo city's
8 weeks of calls: the charts are drawn by Chart.js beside tables of the same figures, the SLA cards say in words
whether the target is met, a recording's page shows its transcript to an operator given the playback right, axe-core
finds nothing serious and the CSP refuses nothing."""
from __future__ import annotations

import pytest

from engine import accounts
from processes.demo.calls import seed_demo_calls
from tests.browser_support import SignedIn, live_server, serious_violations, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
CITY_PC = {"width": 1366, "height": 768}


def _centre(platform):
    with platform.database.transaction() as session:
        accounts.create_user(session, "supervisor1", "supervisor", PASSWORD, display_name="監督 花子")
        accounts.create_user(session, "operator1", "operator", PASSWORD, display_name="予約センター 一郎")
        accounts.create_user(session, "admin1", "admin", PASSWORD, display_name="システム管理 五郎")
    return seed_demo_calls(platform)


@pytest.fixture(scope="module")
def centre(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("calls"), data_key, _centre) as served:
        yield served


def test_the_dashboard_shows_the_figures_in_charts_and_words(browser, centre):
    base, _ = centre
    screen = SignedIn(browser, base, "supervisor1", PASSWORD)
    page = screen.open("/callcentre/service-levels")
    page.set_viewport_size(CITY_PC)
    page.wait_for_function("() => [...document.querySelectorAll('canvas.calls-chart')].every(c => c.width > 0)")

    text = page.inner_text("main")
    assert "受電応答率" in text and "一次完了率" in text and "待ち呼数" in text
    assert "目標を達成しています" in text or "目標を下回っています" in text or "まだ対象がありません" in text
    assert "今月の日別の数値" in text and "必要席数" in text and "達成" in text
    assert page.locator("canvas.calls-chart").count() == 2
    assert page.get_attribute("#calls-live", "hx-trigger") == "every 30s"
    shot(page, "calls-dashboard-supervisor")
    assert serious_violations(page) == []
    assert screen.csp_refusals() == []


def test_the_live_part_is_swapped_and_redrawn(browser, centre):
    base, _ = centre
    screen = SignedIn(browser, base, "supervisor1", PASSWORD)
    page = screen.open("/callcentre/service-levels")
    page.wait_for_function("() => document.querySelector('#calls-live canvas').width > 0")
    page.evaluate("() => { document.querySelector('#calls-live').dataset.old = 'yes'; "
                  "htmx.trigger('#calls-live', 'every 30s'); }")
    page.evaluate("() => htmx.ajax('GET', '/callcentre/service-levels/live', "
                  "{target: '#calls-live', swap: 'outerHTML'})")
    page.wait_for_function("() => !document.querySelector('#calls-live').dataset.old "
                           "&& document.querySelector('#calls-live canvas').width > 0")
    assert "現在" in page.inner_text("#calls-live") and screen.csp_refusals() == []


def test_the_recordings_page_for_the_admin_and_an_operator(browser, centre):
    base, _ = centre
    admin = SignedIn(browser, base, "admin1", PASSWORD)
    page = admin.open("/callcentre/recordings")
    page.set_viewport_size(CITY_PC)
    assert "再生権限の設定" in page.inner_text("main") and page.locator("text=ダウンロード").count() > 0
    page.locator("tr", has_text="予約センター 一郎").locator("button").click()
    page.wait_for_load_state()
    assert "再生権限を設定しました" in page.inner_text("main")
    shot(page, "calls-recordings-admin")
    assert serious_violations(page) == []

    operator = SignedIn(browser, base, "operator1", PASSWORD)
    mine = operator.open("/callcentre/recordings")
    mine.set_viewport_size(CITY_PC)
    assert mine.locator("audio").count() > 0 and "再生権限の設定" not in mine.inner_text("main")
    assert "監督 花子" not in mine.inner_text("table")
    shot(mine, "calls-recordings-operator")
    assert serious_violations(mine) == [] and operator.csp_refusals() == []

    mine.locator("a", has_text="（詳細）").first.click()
    mine.wait_for_load_state()
    mine.locator("a", has_text="文字起こしを表示する").click()
    mine.wait_for_load_state()
    text = mine.inner_text("main")
    assert "お電話ありがとうございます" in text and "閲覧は監査ログに記録されました" in text
    assert mine.locator("audio").count() == 1
    shot(mine, "calls-recording-transcript-operator")
    assert serious_violations(mine) == [] and operator.csp_refusals() == []
