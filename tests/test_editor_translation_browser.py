"""The BPMN and DMN editors speak Japanese (their translate hook, web/assets/editor/translate) and the CSP refuses
nothing while a process owner works in them: palette, context pad, properties panel, decision table."""
from __future__ import annotations

import pytest

from engine import accounts
from tests.browser_support import SignedIn, live_server, serious_violations, shot  # noqa: F401
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
CITY_PC = {"width": 1366, "height": 768}
HEADER_WRAPPED = """() => [...document.querySelectorAll('.site-header a, .site-header span, .site-header button, .brand')]
  .filter(e => e.offsetParent !== null && e.textContent.trim())
  .filter(e => { const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), bottoms = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim()) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      [...r.getClientRects()].filter(x => x.width > 0).forEach(x => bottoms.add(Math.round(x.bottom)));
    }
    return bottoms.size > 1; })
  .map(e => e.textContent.trim())"""


def _models(platform):
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        accounts.create_user(session, "owner", "process_owner", PASSWORD, display_name="区政 一郎")


@pytest.fixture(scope="module")
def server(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("editor-city"), data_key, _models) as served:
        yield served


def test_the_bpmn_editor_s_palette_context_pad_and_properties_are_japanese(browser, server):
    base, _ = server
    screen = SignedIn(browser, base, "owner", PASSWORD)
    screen.page.set_viewport_size(CITY_PC)
    page = screen.open("/models/bpmn/okuyami_case.bpmn/edit")
    page.locator("[data-ready=true]").wait_for(state="attached", timeout=60000)
    assert page.locator(".djs-palette [aria-label='手のひらツール（画面の移動）']").count() == 1
    assert page.locator(".djs-palette [aria-label='タスクを作成']").count() == 1
    assert page.locator(".djs-palette [aria-label='Create task']").count() == 0
    element_id = "precheck"
    page.evaluate("""(id) => document.querySelector(`.djs-element[data-element-id="${id}"]`)
        .dispatchEvent(new MouseEvent('click', {bubbles: true}))""", element_id)
    page.locator(".djs-context-pad [title='削除'], .djs-context-pad [aria-label='削除']").wait_for()
    assert page.get_by_text("基本", exact=True).count() >= 1              # the properties panel's first group
    assert page.get_by_text("General", exact=True).count() == 0
    assert page.locator(".bio-properties-panel-header-type").inner_text().strip() == "ユーザータスク"
    assert page.evaluate(HEADER_WRAPPED) == []
    shot(page, "editor-bpmn-japanese")
    assert screen.csp_refusals() == []
    page.close()


def test_the_dmn_editor_s_decision_table_is_japanese(browser, server):
    base, _ = server
    screen = SignedIn(browser, base, "owner", PASSWORD)
    screen.page.set_viewport_size(CITY_PC)
    page = screen.open("/models/dmn/procedure_selection.dmn/edit")
    page.locator("[data-ready=true]").wait_for(state="attached", timeout=60000)
    page.locator(".tjs-container, .dmn-decision-table-container").first.wait_for()
    text = page.locator(".dmn-decision-table-container").first.inner_text()
    assert "条件" in text and "結果" in text
    assert "When" not in text and "Then" not in text
    shot(page, "editor-dmn-japanese")
    assert screen.csp_refusals() == []
    page.close()


def test_the_style_attributes_the_csp_allows_are_exactly_the_editors_declarations():
    import base64
    import hashlib

    from web.security import CSP, EDITOR_STYLE_ATTRIBUTES

    for declaration, digest in EDITOR_STYLE_ATTRIBUTES.items():
        assert base64.b64encode(hashlib.sha256(declaration.encode()).digest()).decode() == digest
    assert "'unsafe-inline'" not in CSP and CSP.count("'sha256-") == len(EDITOR_STYLE_ATTRIBUTES)
