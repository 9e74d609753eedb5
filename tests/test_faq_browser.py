"""The supervisor's FAQ screens in a real browser (Chromium), over the demo FAQ: the editing page, search results,
the revisions and the synonyms page pass axe-core (no serious or critical violations) and the CSP; an edit saved
from the page shows on the item. Screenshots at 1366×768 under test-artifacts/."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from engine import accounts
from processes.demo.faq import seed_demo_faq
from tests.browser_support import ARTIFACTS, SignedIn, live_server, serious_violations
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow


def _faq_city(platform):
    with platform.database.transaction() as session:
        accounts.create_user(session, "sv", "supervisor", PASSWORD)
        accounts.create_user(session, "op", "operator", PASSWORD)
        seed_demo_faq(session)


@pytest.fixture(scope="module")
def faq_server(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("faq-browser"), data_key, _faq_city) as (base, _):
        yield base


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_a_supervisor_edits_an_item_in_the_browser(faq_server, browser):
    screen = SignedIn(browser, faq_server, "sv", PASSWORD)
    page = screen.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{faq_server}/faq?q={quote('葬祭費')}")
    page.locator("ol.faq-results a").first.click()
    page.get_by_role("link", name="編集する").click()
    page.wait_for_selector("form.faq-form")
    _shot(page, "faq-edit")
    assert serious_violations(page) == []
    page.fill("#keywords", "葬祭費、葬儀、喪主、5万円、葬式代")
    page.get_by_role("button", name="保存する").click()
    page.wait_for_selector("text=を保存しました。")
    assert "葬式代" in page.inner_text("dl.faq-meta")
    page.get_by_role("link", name="変更履歴").click()
    page.wait_for_selector(".faq-revision")
    _shot(page, "faq-revisions")
    assert serious_violations(page) == []
    assert screen.csp_refusals() == []


def test_an_operator_searches_and_a_supervisor_reads_the_synonym_proposals(faq_server, browser):
    operator = SignedIn(browser, faq_server, "op", PASSWORD)
    operator.page.set_viewport_size({"width": 1366, "height": 768})
    operator.page.goto(f"{faq_server}/faq")
    operator.page.fill("#q", "ﾏｲﾅﾝﾊﾞｰ")
    operator.page.keyboard.press("Enter")
    operator.page.wait_for_selector("ol.faq-results mark")
    _shot(operator.page, "faq-search-operator")
    assert serious_violations(operator.page) == []
    supervisor = SignedIn(browser, faq_server, "sv", PASSWORD)
    supervisor.page.set_viewport_size({"width": 1366, "height": 768})
    supervisor.page.goto(f"{faq_server}/faq/synonyms")
    assert "葬儀代" in supervisor.page.inner_text("main")
    _shot(supervisor.page, "faq-synonyms")
    assert serious_violations(supervisor.page) == []
    assert operator.csp_refusals() == [] and supervisor.csp_refusals() == []


def test_a_supervisor_reorders_and_moves_categories_and_the_operator_browses_in_that_order(faq_server, browser):
    screen = SignedIn(browser, faq_server, "sv", PASSWORD)
    page = screen.page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{faq_server}/faq/categories")
    page.get_by_role("button", name="上へ: コールセンターでの応対", exact=True).click()
    page.wait_for_selector("text=分類「コールセンターでの応対」を1つ上へ移しました。")
    page.get_by_label("おくやみ手続 › 税 の移動先・複写先（この下へ）").select_option(label="おくやみ手続 › 保険・年金")
    page.get_by_role("button", name="移動: おくやみ手続 › 税", exact=True).click()
    page.wait_for_selector("text=配下の分類・FAQごと移しました: おくやみ手続 › 保険・年金 › 税")
    rows = page.locator("table.faq-categories tbody th").all_inner_texts()
    assert rows.index("保険・年金") < rows.index("税") < rows.index("介護保険")
    assert rows.index("コールセンターでの応対") < rows.index("おくやみコーナーの予約")
    _shot(page, "faq-categories")
    assert serious_violations(page) == []
    operator = SignedIn(browser, faq_server, "op", PASSWORD)
    operator.page.goto(f"{faq_server}/faq")
    tree = operator.page.locator("nav.faq-tree li").all_inner_texts()
    assert tree.index("コールセンターでの応対") < tree.index("おくやみコーナーの予約")
    assert tree.index("保険・年金") + 1 == tree.index("税")
    assert screen.csp_refusals() == [] and operator.csp_refusals() == []
