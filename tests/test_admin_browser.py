"""The administrator's and the auditor's screens in Chromium at 1366×768 (the city's usual PC): each lands on
its screen after sign-in, every screen is screenshotted, axe-core finds nothing serious, the CSP refuses nothing,
table headers and the site header do not wrap, and a ward's closure entered in the form is listed."""
from __future__ import annotations

import pytest

from engine import accounts
from processes.administration import live
from tests.browser_support import SignedIn, demo_city_cases, live_server, serious_violations, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
CITY_PC = {"width": 1366, "height": 768}
WRAPPED = """() => {
  const lines = e => {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), bottoms = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('.visually-hidden') || !n.textContent.trim()) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      [...r.getClientRects()].filter(x => x.width > 0).forEach(x => bottoms.add(Math.round(x.bottom)));
    }
    return bottoms.size; };
  const shown = [...document.querySelectorAll('th, td, .site-header a, .site-header span, .admin-tabs a, button, .button')]
    .filter(e => e.offsetParent !== null && e.textContent.trim());
  const wrapped = shown.filter(e => !e.matches('td') && lines(e) > 1).map(e => 'wrapped: ' + e.textContent.trim());
  const narrow = shown.filter(e => e.matches('th, td') && e.textContent.trim().length > 1
    && e.getBoundingClientRect().width < 2.5 * parseFloat(getComputedStyle(e).fontSize))
    .map(e => 'one-character column: ' + e.textContent.trim());
  return [...wrapped, ...narrow];
}"""


def _city(platform):
    cases = demo_city_cases(platform)
    with platform.database.transaction() as session:
        accounts.create_user(session, "admin1", "admin", PASSWORD, display_name="管理 太郎")
        accounts.create_user(session, "auditor1", "auditor", PASSWORD, display_name="監査 花子")
    return cases


@pytest.fixture(scope="module")
def server(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("admin-city"), data_key, _city) as served:
        yield served
    live.reset()


def _check(screen, name: str) -> None:
    page = screen.page
    page.wait_for_load_state()
    shot(page, name)
    assert serious_violations(page) == [], name
    assert page.evaluate(WRAPPED) == [], name
    assert page.evaluate("() => document.documentElement.scrollWidth") <= CITY_PC["width"], name


def test_the_administrator_s_screens(browser, server):
    base, _ = server
    screen = SignedIn(browser, base, "admin1", PASSWORD)
    screen.page.set_viewport_size(CITY_PC)
    assert screen.page.url.endswith("/admin/users")
    _check(screen, "admin-users")
    screen.page.locator("tr", has_text="管理 太郎").get_by_role("link").click()
    _check(screen, "admin-user")
    screen.open("/admin/users/new")
    screen.page.get_by_role("button", name="作成する").click()
    assert screen.page.get_by_text("ユーザー名は半角の英小文字").is_visible()
    _check(screen, "admin-user-new-errors")
    screen.open("/admin/wards")
    _check(screen, "admin-wards")
    screen.page.locator("tr", has_text="川崎区").get_by_role("link").click()
    screen.page.fill("#first_day", "2027-01-12")
    screen.page.fill("#last_day", "2027-01-15")
    screen.page.fill("#reason", "コーナー移転")
    screen.page.get_by_role("button", name="臨時休業日を登録する").click()
    assert screen.page.get_by_text("令和9年1月12日（火）〜令和9年1月15日（金）").is_visible()
    _check(screen, "admin-ward")
    screen.open("/admin/departments")
    _check(screen, "admin-departments")
    screen.open("/admin/retention")
    _check(screen, "admin-retention")
    assert screen.csp_refusals() == []
    assert [e for e in screen.errors if "status of 422" not in e] == []     # the empty form's answer is a 422
    screen.page.close()


def test_the_auditor_s_screen(browser, server):
    base, _ = server
    screen = SignedIn(browser, base, "auditor1", PASSWORD)
    screen.page.set_viewport_size(CITY_PC)
    assert screen.page.url.endswith("/audit")
    _check(screen, "audit")
    screen.page.check("input[name=personal]")
    screen.page.get_by_role("button", name="検索する").click()
    _check(screen, "audit-personal-reads")
    assert screen.csp_refusals() == [] and screen.errors == []
    screen.page.close()
