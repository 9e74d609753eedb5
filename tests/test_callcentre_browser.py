"""The call centre in Debian's Chromium against a live demo city: an operator takes a call on the call screen
with the keyboard (hang-up, after-call work, Ctrl+Enter), hands the next one over to 中原区's 高齢・障害課, finds
both in the contact search; the department's staff reveal the callback. Screens at 1366×768 under test-artifacts/,
axe-core clean, no CSP refusals."""
from __future__ import annotations

import re

import pytest

from processes.demo.city import DEMO_PASSWORD, seed_demo
from tests.browser_support import SignedIn, live_server, serious_violations, shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def city(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("callcentre"), data_key, seed_demo) as (base, _report):
        yield base


def as_user(browser, base: str, username: str) -> SignedIn:
    screen = SignedIn(browser, base, username, DEMO_PASSWORD)
    screen.page.set_viewport_size({"width": 1366, "height": 768})
    return screen


def checked(screen: SignedIn, name: str) -> None:
    shot(screen.page, f"callcentre-{name}")
    assert serious_violations(screen.page) == [], name
    assert screen.csp_refusals() == [], name


def test_an_operator_records_calls_with_the_keyboard_and_finds_them(browser, city):
    operator = as_user(browser, city, "operator1")
    page = operator.open("/callcentre/call")
    assert page.locator("#f-category").evaluate("e => e === document.activeElement")
    page.keyboard.type("介護保険")
    page.locator("#f-category").dispatch_event("change")
    page.wait_for_selector("#earlier li")                       # the demo's earlier contacts of that category
    page.fill("#faq-q", "介護保険証")
    page.locator("#faq-q").press("Enter")
    page.wait_for_selector("#faq-results p, #faq-results li")
    page.fill("#f-question", "介護保険証は郵送で返してよいか。")
    checked(operator, "call-screen")
    page.keyboard.press("Alt+e")                                 # hang up: the after-call work starts
    page.wait_for_selector("#wrapup:has-text('後処理')")
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$", page.input_value("#f-ended_at"))
    page.fill("#f-answer", "郵送でも返却できることを案内した。")
    page.check("input[name=outcome][value=answered]")
    page.select_option("#f-caller-satisfaction", "satisfied")
    page.locator("#f-answer").press("Control+Enter")
    page.wait_for_selector(".flash:has-text('を記録しました')")
    checked(operator, "call-saved")

    page.fill("#f-category", "介護保険")
    page.fill("#f-question", "介護保険料の還付額を知りたい。")
    page.check("input[name=outcome][value=handed_over]")
    page.locator("#f-question").press("Control+Enter")
    page.wait_for_selector(".field-error")                      # no callback details and no ward yet
    assert "引き継ぐ区を選んでください" in page.inner_text("main")
    checked(operator, "call-errors")
    page.select_option("#f-handover-ward", "nakahara")
    page.fill("#f-handover-callback_name", "ブラウザ 試験")
    page.fill("#f-handover-callback_phone", "044-000-9999")
    page.locator("#f-question").press("Control+Enter")
    page.wait_for_selector(".flash:has-text('を記録しました')")

    search = operator.open("/callcentre/contacts?q=介護保険")
    assert "介護保険証は郵送で返してよいか。" in search.inner_text("table")
    assert "所管課へ引継ぎ（対応中）" in search.inner_text("table")
    checked(operator, "contact-search")
    search.click("table a >> nth=0")
    search.wait_for_selector("h1:has-text('応対番号')")
    checked(operator, "contact-record")


def test_the_department_reveals_the_callback_and_a_supervisor_exports(browser, city):
    staff = as_user(browser, city, "kourei_nakahara")
    page = staff.open("/callcentre/callbacks")
    checked(staff, "callbacks")
    assert "介護保険料の還付金の振込先を変えたい。" in page.inner_text("table")
    page.click("table a >> nth=0")
    page.wait_for_selector("h1:has-text('折り返し先')")
    assert "電話番号" in page.inner_text("main")
    checked(staff, "callback")
    supervisor = as_user(browser, city, "supervisor1")
    page = supervisor.open("/callcentre/contacts?outcome=citizen_voice")
    assert page.locator("a:has-text('CSVに書き出す')").count() == 1
    checked(supervisor, "contact-search-supervisor")
