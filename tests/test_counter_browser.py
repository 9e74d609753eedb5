"""The counter's clerk in Debian's Chromium at 1366x768 against a live demo city: before the visit's day the
visit cannot be checked in; on the day the counter's day lists the family, the clerk checks them in, records the
outcomes, reads the confirmation of what will be saved and closes the visit. Every screen is saved under
test-artifacts/ and checked with axe-core (no serious or critical violations) and for CSP refusals."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from processes.calendar import JST
from tests.browser_support import PASSWORD, SignedIn, demo_city_cases, live_server, serious_violations, shot

pytestmark = pytest.mark.slow
READY = "来庁待ち（事前確認完了）"


def with_slot(platform) -> tuple[dict[str, int], datetime]:
    cases = demo_city_cases(platform)
    slot = platform.runtime.instance_data(cases[READY])["slot_start"]
    return cases, datetime.fromisoformat(slot).astimezone(JST)


@pytest.fixture(scope="module")
def city(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("counter"), data_key, with_slot) as served:
        yield served


def counter_screen(browser, base):
    screen = SignedIn(browser, base, "counter", PASSWORD)
    screen.page.set_viewport_size({"width": 1366, "height": 768})
    return screen


def checked(screen, name: str) -> None:
    shot(screen.page, f"counter-{name}")
    assert serious_violations(screen.page) == [], name
    assert screen.csp_refusals() == [], name


def test_the_clerk_checks_the_family_in_on_their_day_confirms_and_closes_the_visit(browser, city):
    base, (cases, slot) = city
    case_id = cases[READY]
    counter = counter_screen(browser, base)
    page = counter.open(f"/cases/{case_id}/visit")
    main = page.inner_text("main")
    assert "来庁日の当日にだけできます" in main and f"{slot.month}月{slot.day}日" in main
    assert page.locator("button:has-text('受付（チェックイン）')").count() == 0
    assert page.locator("button:has-text('終了（チェックアウト）の内容を確認')").is_disabled()
    checked(counter, "1-visit-before-its-day")

    page = counter.open("/counter/day")
    assert "来庁予定（中原区）" in page.inner_text("main")
    checked(counter, "2-todays-visits")

    with time_machine.travel(slot + timedelta(minutes=4), tick=True):
        counter = counter_screen(browser, base)            # signed in again on the visit's day
        page = counter.open(f"/counter/day?day={slot.date().isoformat()}")
        row = page.locator(f"tr:has(a[href='/cases/{case_id}/visit'])")
        assert "予約" in row.inner_text() and f"{slot.hour}:{slot.minute:02d}" in row.inner_text()
        checked(counter, "3-the-visits-day")

        row.locator("a:has-text('来庁対応')").click()
        page.click("button:has-text('受付（チェックイン）')")
        page.wait_for_selector("text=に受付（チェックイン）しました")
        assert "担当課からの申し送り" in page.inner_text("main")
        checked(counter, "4-checked-in")

        page.click("button:has-text('終了（チェックアウト）の内容を確認')")
        page.wait_for_selector("text=まだ保存していません")
        confirmation = page.inner_text("main")
        assert "窓口所要時間" in confirmation and "手続ごとの結果" in confirmation
        checked(counter, "5-confirmation")

        page.click("button:has-text('この内容で完了する')")
        page.wait_for_selector("text=来庁対応を完了しました")
        assert "窓口所要時間" in page.inner_text("main")
        checked(counter, "6-case-after-the-visit")

        page = counter.open(f"/counter/day?day={slot.date().isoformat()}")
        assert "完了" in page.locator(f"tr:has(a[href='/cases/{case_id}'])").inner_text()
        checked(counter, "7-day-after-the-visit")
