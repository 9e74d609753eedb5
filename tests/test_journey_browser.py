"""The whole journey as its users play it, in Debian's Chromium against a live demo city: an operator books a
case for 中原区 from a phone call, two departments pre-check it, the counter runs the visit and closes it, and a
supervisor reads the case's history. Every screen is saved under test-artifacts/ and checked with axe-core (no
serious or critical violations) and for Content-Security-Policy refusals."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from processes.calendar import JST
from processes.demo.city import DEMO_PASSWORD, DEMO_USERS, seed_demo
from tests.browser_support import SignedIn, live_server, serious_violations, shot

pytestmark = pytest.mark.slow

RESERVATION = {
    "date_of_death": "2026-11-20", "death_registered_on": "2026-11-21",
    "death_registered_municipality": "川崎市中原区",
    "deceased.name": "小杉 一郎", "deceased.kana": "コスギ イチロウ", "deceased.birth_date": "1941-04-29",
    "deceased.address": "川崎市中原区小杉町三丁目245番地",
    "applicant.name": "小杉 和子", "applicant.kana": "コスギ カズコ", "applicant.birth_date": "1970-08-10",
    "applicant.address": "川崎市中原区新丸子町1丁目1番", "applicant.phone": "090-1234-5678", "relationship": "長女",
}
PRECHECK_DEPARTMENTS = {"kumin_nakahara": "区民課", "kourei_nakahara": "高齢・障害課"}


@pytest.fixture(scope="module")
def city(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("journey"), data_key, seed_demo) as (base, _report):
        yield base


def checked(screen: SignedIn, name: str) -> None:
    shot(screen.page, f"journey-{name}")
    assert serious_violations(screen.page) == [], name
    assert screen.csp_refusals() == [], name


def book_by_phone(browser, base: str) -> int:
    operator = SignedIn(browser, base, "operator1", DEMO_PASSWORD)
    page = operator.open("/bookings/new")
    page.select_option("#slot-ward", "nakahara")
    page.wait_for_selector("#slot-calendar legend:has-text('中原区')")
    page.locator("input[name=slot_start]").first.check()
    for field, value in RESERVATION.items():
        page.fill(f"[name='{field}']", value)
    page.check("input[name=representative_heir][value=yes]")
    # The caller answers every question "no" except: he was the householder, his seal registration is
    # uncertain (so 区民課 must check it), and he was on employee health insurance.
    groups = page.eval_on_selector_all(
        "input[name^='answers.'][type=radio], input[name^='answers.'][type=checkbox]",
        "els => [...new Set(els.map(e => e.name + '|' + e.type))]")
    for group in groups:
        name, kind = group.split("|")
        negative = page.locator(f"input[name='{name}'][value={'no' if kind == 'radio' else 'none'}]")
        if negative.count():
            negative.check()
    page.check("input[name='answers.household_head'][value=yes]")
    page.fill("input[name='answers.household_members_15plus_remaining']", "1")
    page.check("input[name='answers.health_insurance'][value=employee]")
    page.uncheck("input[name='answers.cards'][value=none]")
    page.check("input[name='answers.cards'][value=unknown]")
    page.wait_for_selector("#procedure-list li:has-text('JU02')")
    checked(operator, "1-booking")

    page.click("button:has-text('確認画面へ')")
    page.wait_for_selector("text=予約を確定する")
    read_back = page.inner_text("main")
    assert "小杉 和子様" in read_back and "JU02" in read_back and "要確認" in read_back
    checked(operator, "2-read-back")

    page.click("button:has-text('予約を確定する')")
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert "予約を確定しました" in page.inner_text("main")
    return int(page.url.rsplit("/", 1)[1])


def precheck(browser, base: str, username: str, case_id: int) -> None:
    staff = SignedIn(browser, base, username, DEMO_PASSWORD)
    page = staff.open("/tasks")
    page.click(f"button[aria-label='案件 {case_id} の事前確認を引き受ける']")
    form_link = page.locator(f"tr:has(a[href='/cases/{case_id}']) a[href^='/prechecks/']")
    form_link.wait_for()
    checked(staff, f"3-worklist-{username}")
    form_link.click()
    page.wait_for_selector("button:has-text('事前確認を完了する')")
    # Every procedure assigned to the department is needed (必要), a 要確認 one too; nothing is added.
    for needed in page.locator("input[type=radio][value=confirm]").all():
        needed.check()
    checked(staff, f"4-precheck-{username}")
    page.click("button:has-text('事前確認を完了する')")
    page.wait_for_url(re.compile(r"/tasks"))
    assert f"（案件 {case_id}）を完了しました" in page.inner_text("main")


def test_an_operator_books_two_departments_precheck_the_counter_closes_the_visit_a_supervisor_reads_it(
        city, browser):
    case_id = book_by_phone(browser, city)
    for username in PRECHECK_DEPARTMENTS:
        precheck(browser, city, username, case_id)

    run_the_visit(browser, city, case_id)

    supervisor = SignedIn(browser, city, "supervisor1", DEMO_PASSWORD)
    page = supervisor.open(f"/cases/{case_id}")
    page.wait_for_selector("#case-diagram[data-ready=true]", timeout=15000)
    assert page.locator(".djs-element.step-completed[data-element-id=visit]").count() == 1
    assert page.locator(".djs-element.step-active[data-element-id=followup_call]").count() == 1
    history = page.inner_text("main")
    names = {user.username: user.display_name for user in DEMO_USERS}
    for who in ("operator1", *PRECHECK_DEPARTMENTS, "counter_nakahara"):   # people by their names, never login IDs
        assert names[who] in history and who not in history, who
    for department in PRECHECK_DEPARTMENTS.values():
        assert department in history, department
    assert "監査ログ" in history
    checked(supervisor, "7-case-history")


def visit_start(page) -> datetime:
    """The booked slot as the visit screen states it (「予約 令和8年12月9日（水）10:30」, 「来庁日は12月9日」)."""
    text = page.inner_text("main")
    month, day = map(int, re.search(r"来庁日は(\d+)月(\d+)日", text).groups())
    hour, minute = map(int, re.search(r"予約 [^／]*?(\d+):(\d{2})", text).groups())
    today = datetime.now(JST).date()
    year = today.year + (1 if month < today.month else 0)
    return datetime(year, month, day, hour, minute, tzinfo=JST)


def run_the_visit(browser, base: str, case_id: int) -> None:
    counter = SignedIn(browser, base, "counter_nakahara", DEMO_PASSWORD)
    page = counter.open(f"/cases/{case_id}/visit")
    assert "来庁日の当日にだけできます" in page.inner_text("main")      # not before the family's day
    slot = visit_start(page)
    with time_machine.travel(slot + timedelta(minutes=5), tick=True):    # the server runs in this process
        counter = SignedIn(browser, base, "counter_nakahara", DEMO_PASSWORD)
        page = counter.open(f"/cases/{case_id}/visit")
        page.click("button:has-text('受付（チェックイン）')")
        page.wait_for_selector("text=に受付（チェックイン）しました")
        assert "窓口所要時間" in page.inner_text("main")
        # The usual handling of each procedure is pre-selected from the catalogue; the seal registration is done here.
        page.check("input[name='outcome.JU02'][value=corner]")
        page.fill("input[name='note.JU02']", "印鑑登録証を返納")
        page.check("input[name=followup_requested]")
        page.fill("textarea[name=followup_reason]", "年金の未支給分の請求書類を後日郵送する旨を連絡")
        checked(counter, "5-visit")
        page.click("button:has-text('終了（チェックアウト）の内容を確認')")
        page.wait_for_selector("text=まだ保存していません")
        assert "印鑑登録証を返納" in page.inner_text("main")
        checked(counter, "5b-visit-confirmation")
        page.click("button:has-text('この内容で完了する')")
        page.wait_for_selector("text=来庁対応を完了しました")

        page = counter.open(f"/cases/{case_id}/guidance")
        page.emulate_media(media="print")
        sheet = page.inner_text("body")
        assert "小杉 一郎" in sheet and "お持ちいただくもの" in sheet
        checked(counter, "6-guidance-sheet")
