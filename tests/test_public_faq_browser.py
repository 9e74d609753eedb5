"""The public FAQ in a real browser (Chromium), over the demo FAQ's export: the front, search, category and item
pages have no serious or critical axe-core violations, work with the keyboard alone, and at 200 % zoom (a
1366×768 screen shown at 683×384 CSS pixels) nothing needs sideways scrolling. Screenshots at 1366×768."""
from __future__ import annotations

import threading
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.settings import PROJECT_ROOT
from processes.calendar import today_jst
from processes.demo.faq import seed_demo_faq
from processes.public.export import export
from tests.browser_support import ARTIFACTS
from web.public.app import create_public_app

pytestmark = pytest.mark.slow
AXE = PROJECT_ROOT / "web" / "static" / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def public_site(tmp_path_factory, data_key):
    folder = tmp_path_factory.mktemp("public-faq")
    database = Database(f"sqlite:///{folder / 'staff.db'}")
    upgrade(database)
    with database.transaction() as session:
        seed_demo_faq(session)
    with database.transaction(write=False) as session:
        export(session, folder / "public", today_jst())
    database.dispose()
    server = make_server("127.0.0.1", 0, create_public_app(folder / "public"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _page(browser, width=1366, height=768):
    # axe-core is injected by the test; the site's CSP allows no script at all, so the page bypasses it.
    return browser.new_page(viewport={"width": width, "height": height}, locale="ja-JP", bypass_csp=True)


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)")


def _paths(page, base) -> dict[str, str]:
    page.goto(f"{base}/faq")
    category = page.locator("ul.categories a").first.get_attribute("href")
    page.goto(f"{base}/faq/search?q={quote('葬祭費')}")
    item = page.locator("ol.results a").first.get_attribute("href")
    return {"faq-public-index": "/faq", "faq-public-search": f"/faq/search?q={quote('葬祭費')}",
            "faq-public-category": category, "faq-public-item": item,
            "faq-public-no-hits": f"/faq/search?q={quote('香典返し')}"}


def test_every_public_page_passes_axe_and_is_photographed(public_site, browser):
    page = _page(browser)
    for name, path in _paths(page, public_site).items():
        page.goto(f"{public_site}{path}")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        assert _violations(page) == [], name
    page.close()


def test_the_keyboard_alone_searches_and_opens_an_answer(public_site, browser):
    page = _page(browser)
    page.goto(f"{public_site}/faq")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "faq-q":
            break
    assert page.evaluate("document.activeElement.id") == "faq-q"
    page.keyboard.type("年金")
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/search?q=*")
    assert "件見つかりました" in page.inner_text("main")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('ol.results')"):
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"                                          # the focus can be seen
    page.keyboard.press("Enter")
    page.wait_for_url("**/faq/FAQ-*")
    assert page.locator("h2#answer-heading").is_visible()
    page.close()


def test_at_200_percent_zoom_nothing_scrolls_sideways(public_site, browser):
    page = _page(browser, 683, 384)
    for name, path in _paths(page, public_site).items():
        page.goto(f"{public_site}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 200 %"
    page.screenshot(path=str(ARTIFACTS / "faq-public-no-hits-200pct.png"), full_page=False)
    page.close()
