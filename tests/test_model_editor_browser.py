"""The BPMN editor in a real browser (Debian's Chromium through Playwright) against a live server on a temporary
SQLite instance: a process owner opens the case process, renames a task, breaks a gateway condition and sees the
problem on the gateway, fixes it, deploys version 2; a new case runs on version 2 while an older case stays on 1.
The DMN editor: a cell of the selection table edited in dmn-js, a broken one marked on its rule, the fixed table
deployed and evaluated by the next case. Screenshots go to test-artifacts/."""
from __future__ import annotations

import json
import urllib.request

import pytest

from engine import accounts
from tests import browser_support
from tests.api_support import walk_in
from tests.browser_support import playwright_api
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow

NEW_NAME = "来庁対応（おくやみコーナー）"
USERS = {"owner": ("process_owner", None), "counter": ("counter", "nakahara"), "sv": ("supervisor", None)}


def models_and_accounts(platform) -> str:
    """The repository's models and three accounts; the counter's API token (for new walk-in cases)."""
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        for name, (role, ward) in USERS.items():
            accounts.create_user(session, name, role, PASSWORD, ward=ward)
    with platform.database.transaction() as session:
        return accounts.issue_token(session, "counter")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, data_key):
    """The staff app on a free port, over a fresh SQLite instance with the repository's models deployed."""
    folder = tmp_path_factory.mktemp("browser-instance")
    with browser_support.live_server(folder, data_key, models_and_accounts) as (base, token):
        def new_case() -> dict:
            """A walk-in case at 中原区 (the API's view of it: id, version, procedures)."""
            request = urllib.request.Request(
                f"{base}/api/v1/cases", data=json.dumps(walk_in()).encode("utf-8"), method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                assert response.status == 201
                return json.loads(response.read())

        yield base, new_case


def shot(page, name: str) -> None:
    browser_support.shot(page, f"model-editor-{name}")


def sign_in(browser, base: str, username: str):
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="ja-JP")
    browser_support.sign_in(page, base, username)
    return page


def select_element(page, element_id: str) -> None:
    """Click an element of the diagram so the properties panel shows it (a click on a selected element would
    deselect it). The event goes to the element itself: the wide diagram may hide it behind the palette."""
    page.evaluate("""(id) => {
        const gfx = document.querySelector(`.djs-element[data-element-id="${id}"]`);
        if (!gfx.classList.contains('selected')) {
            gfx.dispatchEvent(new MouseEvent('click', {bubbles: true}));
        }
    }""", element_id)
    page.locator(f'.djs-element.selected[data-element-id="{element_id}"]').wait_for(state="attached")


def condition_box(page):
    return page.locator("#bio-properties-panel-okuyami-condition")


def press(page, action: str, expected: str) -> str:
    page.click(f"[data-action={action}]")
    status = page.locator("[data-role=status]")
    playwright_api.expect(status).to_contain_text(expected, timeout=20_000)
    return status.inner_text()


def test_a_process_owner_edits_validates_and_deploys_the_case_process(live_server, browser):
    base, new_case = live_server
    old_case = new_case()["id"]
    page = sign_in(browser, base, "owner")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/models/bpmn/okuyami_case.bpmn/edit")
    page.locator("#bpmn-editor[data-ready=true]").wait_for(timeout=20_000)
    shot(page, "1-opened")

    # Rename the visit task on the diagram itself (direct editing of its label).
    page.locator('[data-element-id="visit"]').first.dblclick()
    editor = page.locator(".djs-direct-editing-parent")
    editor.wait_for()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_NAME)
    page.locator('[data-element-id="f_start"]').first.click(force=True)
    playwright_api.expect(page.locator('[data-element-id="visit"] .djs-label, [data-element-id="visit"] text')
                          .first).to_contain_text("来庁対応")

    # Our panel on a user task: its form and the deadline rule; on a lane: its role.
    select_element(page, "visit")
    playwright_api.expect(page.locator("#bio-properties-panel-okuyami-form")).to_have_value("visit.json")
    page.select_option("#bio-properties-panel-okuyami-deadline-kind", "business_days")
    days = page.locator("#bio-properties-panel-okuyami-deadline-days")
    playwright_api.expect(days).to_have_value("-1")
    days.fill("2")
    select_element(page, "lane_counter")
    playwright_api.expect(page.locator("#bio-properties-panel-okuyami-lane-role")).to_have_value("counter")
    shot(page, "1b-lane-role")

    # Break the walk-in condition of the gateway 受付の経路: the problem appears on the gateway, in Japanese.
    select_element(page, "f_walkin")
    playwright_api.expect(condition_box(page)).to_have_value('channel == "walk_in"')
    condition_box(page).fill("channel == ")
    press(page, "validate", "件の問題があります")
    overlay = page.locator('.okuyami-problem-overlay[data-element="gw_channel"]')
    playwright_api.expect(overlay).to_contain_text("ゲートウェイ「受付の経路」の条件式")
    playwright_api.expect(page.locator('.djs-element.okuyami-problem[data-element-id="gw_channel"]')).to_have_count(1)
    overlay.scroll_into_view_if_needed()
    shot(page, "2-problem-on-gateway")

    # Fix it: no problem left, no marker left.
    select_element(page, "f_walkin")
    condition_box(page).fill('channel == "walk_in"')
    press(page, "validate", "問題はありません")
    playwright_api.expect(page.locator(".okuyami-problem-overlay")).to_have_count(0)

    page.fill("[data-role=comment]", "来庁対応の名称を変更")
    press(page, "deploy", "版 2 として登録しました")
    shot(page, "3-deployed")
    assert errors == []
    deployed = page.request.get(f"{base}/models/bpmn/okuyami_case.bpmn/source?version=2").text()
    assert f'name="{NEW_NAME}"' in deployed
    # What SpiffWorkflow reads as variable names survives bpmn-js (it drops references it cannot resolve).
    assert "<bpmn:loopDataInputRef>precheck_assignments</bpmn:loopDataInputRef>" in deployed
    assert "<spiffworkflow:serviceTaskOperator" in deployed and 'value="visit.json"' in deployed
    assert '<spiffworkflow:property name="deadlineBusinessDays" value="2" />' in deployed

    # A new case starts on version 2; the older one keeps version 1 (the case screen says so).
    fresh_case = new_case()["id"]
    reader = sign_in(browser, base, "sv")
    for case_id, version in ((fresh_case, "v2"), (old_case, "v1")):
        reader.goto(f"{base}/cases/{case_id}")
        version_cell = reader.locator("dt:has-text('モデルの版') + dd")
        playwright_api.expect(version_cell).to_have_text(version)
        renamed_tasks = reader.locator("td").filter(has_text=NEW_NAME)  # the task history
        playwright_api.expect(renamed_tasks).to_have_count(1 if version == "v2" else 0)
        shot(reader, f"4-case-{case_id}-{version}")

    # A supervisor sees the model read-only: the viewer, no palette, no buttons.
    reader.goto(f"{base}/models/bpmn/okuyami_case.bpmn/edit")
    reader.locator("#bpmn-editor[data-ready=true]").wait_for(timeout=20_000)
    playwright_api.expect(reader.locator(".djs-palette")).to_have_count(0)
    playwright_api.expect(reader.locator("[data-action=deploy]")).to_have_count(0)

    # The diff between the versions lists the renamed task as changed.
    page.goto(f"{base}/models/bpmn/okuyami_case.bpmn/diff?from=1&to=2")
    changed = page.locator("section.diff-changed")
    playwright_api.expect(changed).to_contain_text(NEW_NAME)
    shot(page, "5-diff")


def dmn_cell(page, rule: str, column: str):
    return page.locator(f'td[data-row-id="{rule}"][data-col-id="{column}"]')


def type_into(page, cell, text: str) -> None:
    """Click the cell, type into the FEEL editor dmn-js opens in it, and leave the cell."""
    cell.click()
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("h1").click()


def test_a_process_owner_edits_a_decision_table_in_dmn_js(live_server, browser):
    base, new_case = live_server
    assert "JU02" in {p["id"] for p in new_case()["procedures"]}    # the deceased held a seal registration card
    page = sign_in(browser, base, "owner")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/models/dmn/procedure_selection.dmn/edit")
    page.locator("#dmn-editor[data-ready=true]").wait_for(timeout=30_000)
    cell = dmn_cell(page, "rule_JU02_1", "in_seal_registration")
    playwright_api.expect(cell).to_contain_text('"yes"')

    type_into(page, cell, '== "yes"')   # not FEEL (FEEL compares with =); the editor closes quotes by itself
    press(page, "validate", "件の問題があります")
    playwright_api.expect(page.locator("[data-role=problems]")).to_contain_text("印鑑登録証")
    marked = page.locator('td.okuyami-problem[data-row-id="rule_JU02_1"]')
    playwright_api.expect(marked.first).to_be_visible()
    cell.scroll_into_view_if_needed()
    shot(page, "6-dmn-problem-on-rule")

    type_into(page, cell, 'not("yes")')
    page.fill("[data-role=comment]", "印鑑登録証をお持ちでなかった場合に変更")
    press(page, "deploy", "版 2 として登録しました")
    shot(page, "7-dmn-deployed")
    assert errors == []
    deployed = page.request.get(f"{base}/models/dmn/procedure_selection.dmn/source?version=2").text()
    assert 'not("yes")' in deployed
    assert "JU02" not in {p["id"] for p in new_case()["procedures"]}


def test_a_process_owner_previews_a_catalogue_entry(live_server, browser):
    base, _new_case = live_server
    page = sign_in(browser, base, "owner")
    page.goto(f"{base}/catalogue/JU03")
    page.fill("#f-explanation", "世帯主が亡くなり、世帯に15歳以上の方が2人以上残る場合に届け出ます。")
    page.select_option("#f-preview-ward", "tama")
    page.click("button[value=preview]")
    preview = page.locator("aside.guidance-preview")
    playwright_api.expect(preview).to_contain_text("世帯に15歳以上の方が2人以上残る場合")
    playwright_api.expect(preview).to_contain_text("多摩区役所")
    shot(page, "8-catalogue-preview")
