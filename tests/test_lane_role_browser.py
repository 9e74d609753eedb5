"""The lane role in the BPMN editor (a real Chromium): a process owner picks the role of a lane in our panel; the
lane keeps the name it was given, the role is written as the lane's `role` property, and after the deploy the
lane's tasks go to that role. Screenshots go to test-artifacts/."""
from __future__ import annotations

import pytest

from engine import accounts
from tests import browser_support
from tests.browser_support import playwright_api
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow


def models_and_owner(platform):
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        accounts.create_user(session, "owner", "process_owner", PASSWORD)
    return platform


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, data_key):
    folder = tmp_path_factory.mktemp("lane-role-instance")
    with browser_support.live_server(folder, data_key, models_and_owner) as served:
        yield served


def test_the_role_picked_for_a_lane_is_the_role_its_tasks_get_and_the_lane_keeps_its_name(live_server, browser):
    base, platform = live_server
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    browser_support.sign_in(page, base, "owner")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/models/bpmn/okuyami_case.bpmn/edit")
    page.locator("#bpmn-editor[data-ready=true]").wait_for(timeout=20_000)

    # The lane おくやみコーナー (walk-in intake, visit, follow-up call) given to the supervisors.
    page.evaluate("""() => document.querySelector('.djs-element[data-element-id="lane_counter"]')
                      .dispatchEvent(new MouseEvent('click', {bubbles: true}))""")
    role = page.locator("#bio-properties-panel-okuyami-lane-role")
    playwright_api.expect(role).to_have_value("counter")
    role.select_option("supervisor")
    lane_label = page.locator('[data-element-id="lane_counter"] text').first
    playwright_api.expect(lane_label).to_have_text("おくやみコーナー")
    browser_support.shot(page, "lane-role-1-picked")

    page.fill("[data-role=comment]", "来庁対応をスーパーバイザーへ")
    page.click("[data-action=deploy]")
    playwright_api.expect(page.locator("[data-role=status]")).to_contain_text("版 2 として登録しました",
                                                                              timeout=20_000)
    browser_support.shot(page, "lane-role-2-deployed")
    assert errors == []
    deployed = page.request.get(f"{base}/models/bpmn/okuyami_case.bpmn/source?version=2").text()
    assert 'name="おくやみコーナー"' in deployed
    assert '<spiffworkflow:property name="role" value="supervisor" />' in deployed

    # The deployed version maps the lane by its role property, not by its name.
    with platform.database.transaction(write=False) as session:
        version = platform.registry.live_version(session, "okuyami_case")
    assert version.version == 2 and version.lane_roles["おくやみコーナー"] == "supervisor"
