"""The home navi in a real browser (Chromium), with script on and off (the public site has none, so both walk the
same way): a family picks the ward, answers a group, goes back and finds its answers, skips the rest and reads the
result with its answers code. axe-core finds no serious or critical violation on any screen; the keyboard alone
answers; at 200 % zoom (683×384 CSS pixels) nothing scrolls sideways. Screenshots at 1366×768."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.settings import PROJECT_ROOT, load_settings
from processes.calendar import today_jst
from processes.platform import check_rules
from processes.public.export import export
from processes.public.navi import decode_code
from tests.browser_support import ARTIFACTS
from tests.test_public_faq_browser import _violations
from web.public.app import create_public_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def public_site(tmp_path_factory, data_key):
    folder = tmp_path_factory.mktemp("public-navi")
    database = Database(f"sqlite:///{folder / 'staff.db'}")
    upgrade(database)
    registry = ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused", environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="test")
    with database.transaction(write=False) as session:
        export(session, folder / "public", today_jst())
    database.dispose()
    server = make_server("127.0.0.1", 0, create_public_app(folder / "public"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("script", [True, False], ids=["script-on", "script-off"])
def test_a_family_walks_the_navi_to_its_result_and_code(public_site, browser, script):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP", bypass_csp=True,
                                  java_script_enabled=script)
    page = context.new_page()
    suffix = "" if script else "-noscript"
    page.goto(f"{public_site}/navi")
    if script:
        _shoot(page, "public-navi-ward")
        assert _violations(page) == []
    page.get_by_label("中原区役所").check()
    page.get_by_role("button", name="次へ").click()
    assert "質問 2／10（世帯）" in page.inner_text("main")
    page.get_by_role("group", name="亡くなられた方は世帯主でしたか").get_by_label("はい").check()
    page.get_by_label("人数").fill("2")
    if script:
        _shoot(page, "public-navi-question")
        assert _violations(page) == []
    page.get_by_role("button", name="次へ").click()
    page.get_by_role("group", name="お持ちだった証・カード（該当するものすべて）").get_by_label("わからない").check()
    page.get_by_role("button", name="戻る").click()
    assert page.get_by_role("group", name="亡くなられた方は世帯主でしたか").get_by_label("はい").is_checked()
    assert page.get_by_label("人数").input_value() == "2"
    for _ in range(9):
        page.get_by_role("button", name="次へ").or_(page.get_by_role("button", name="結果を見る")).click()
    assert "必要になりそうな手続" in page.inner_text("h1")
    code = page.inner_text("#answers-code")
    assert decode_code(code)[0] == {"household_head": "yes", "household_members_15plus_remaining": 2,
                                    "cards": "unknown"}
    assert "要確認" in page.inner_text("main")
    _shoot(page, f"public-navi-result{suffix}")
    if script:
        assert _violations(page) == []
        page.emulate_media(media="print")
        _shoot(page, "public-navi-result-print")
    context.close()


def test_the_keyboard_alone_answers_and_at_200_percent_nothing_scrolls_sideways(public_site, browser):
    page = browser.new_page(viewport={"width": 683, "height": 384}, locale="ja-JP", bypass_csp=True)
    page.goto(f"{public_site}/navi")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "ward":
            break
    assert page.evaluate("document.activeElement.name") == "ward"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")                                     # submits with the first button, 次へ
    page.wait_for_url("**/navi?*step=0*")
    assert "質問 2／10" in page.inner_text("main")
    for path in ("/navi", page.url.replace(public_site, ""), "/navi/result?ward=tama&answers.cards=unknown"):
        page.goto(f"{public_site}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 200 %"
    _shoot(page, "public-navi-result-200pct")
    page.close()
