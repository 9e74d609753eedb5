"""The whole journey of one family, in Debian's Chromium at 1366×768, as a clerk walks it: the operator's booking
from the worklist task (a birth date typed in 和暦 and a reading in half-width kana and hiragana, questions left
未回答, the read-back in both calendars); a department's pre-check with a dropped and an added procedure (every
problem at once, the decision shown once done); then, on the visit's day, the counter's day, the check-in, what
the departments wrote, the print packet made and ready, the confirmation of what will be saved and the check-out.
Each screen is saved under test-artifacts/ and checked with axe-core and for CSP refusals."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine

from engine import accounts
from processes.calendar import JST, today_jst
from processes.okuyami.cases import start_case
from tests.browser_support import SignedIn, live_server, serious_violations, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
USERS = {"op_b": ("operator", None, None), "hoken_b": ("dept_staff", "nakahara", "hoken_nenkin"),
         "counter_b": ("counter", "nakahara", None)}


def prepare(platform):
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        for name, (role, ward, department) in USERS.items():
            accounts.create_user(session, name, role, PASSWORD, ward=ward, department=department)
    return start_case(platform.runtime, "booking", "op_b", ward="nakahara").id, platform


@pytest.fixture(scope="module")
def served(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("booking-precheck"), data_key, prepare) as (base, (case_id, platform)):
        yield base, case_id, platform


def other_departments_confirm(runtime, case_id: int) -> None:
    """The other departments' pre-checks (each confirms what the interview selected), as their own clerks would."""
    for task in runtime.list_tasks(instance_id=case_id, role="dept_staff"):
        procedures = runtime.task_data(task.id)["assignment"]["procedures"]
        runtime.complete_task(task.id, {"precheck_result": {
            "decisions": [{"id": p["id"], "action": "confirm"} for p in procedures]}}, f"{task.department}_clerk")


def signed_in(browser, base: str, username: str) -> SignedIn:
    screen = SignedIn(browser, base, username, PASSWORD)
    screen.page.set_viewport_size({"width": 1366, "height": 768})
    return screen


def checked(screen: SignedIn, name: str) -> None:
    shot(screen.page, f"booking-precheck-{name}")
    assert serious_violations(screen.page) == [], name
    assert screen.csp_refusals() == [], name


def test_the_whole_journey_book_precheck_check_in_packet_check_out(browser, served):
    base, case_id, platform = served
    died = today_jst() - timedelta(days=5)

    operator = signed_in(browser, base, "op_b")
    page = operator.open("/tasks?tab=group")
    page.click(f"a[href='/bookings/cases/{case_id}']")
    page.wait_for_selector("h1:has-text('予約受付・問診')")
    assert f"（案件 {case_id}）" in page.inner_text("h1")
    page.locator("input[name=slot_start]").first.check()
    for field, value in {
        "date_of_death": died.isoformat(), "death_registered_on": died.isoformat(),
        "death_registered_municipality": "川崎市中原区",
        "deceased.name": "等々力 一郎", "deceased.kana": "ﾄﾄﾞﾛｷ ｲﾁﾛｳ", "deceased.birth_date": "昭和15年5月5日",
        "deceased.address": "川崎市中原区等々力1-1",
        "applicant.name": "等々力 花子", "applicant.kana": "とどろき はなこ", "applicant.birth_date": "S43.2.3",
        "applicant.address": "横浜市港北区日吉2-8-14", "applicant.phone": "090-1234-5678", "relationship": "長女",
    }.items():
        page.fill(f"[name='{field}']", value)
    page.check("input[name=representative_heir][value=yes]")
    page.check("input[name=contact_preference][value=phone]")
    page.check("input[name='answers.health_insurance'][value=kouki]")
    page.check("input[name='answers.funeral_held'][value=unknown]")          # the family does not know
    page.check("input[name='answers.medical_costs_last_2y'][value=no]")
    funeral = page.locator(".question:has(input[name='answers.funeral_held'])")
    assert funeral.locator(".badge-unasked").is_hidden()                     # answered: no 未回答 mark
    unasked = page.locator(".question:has(input[name='answers.clinic_operator']) .badge-unasked")
    assert unasked.is_visible()                                              # not asked yet
    page.wait_for_selector("#procedure-list li:has-text('HN01')")
    checked(operator, "1-booking-form")

    page.click("button:has-text('確認画面へ')")
    page.wait_for_selector("text=予約を確定する")
    read_back = page.inner_text("main")
    assert "トドロキ イチロウ" in read_back and "トドロキ ハナコ" in read_back
    assert "昭和15年5月5日（1940年5月5日）" in read_back and "昭和43年2月3日（1968年2月3日）" in read_back
    assert "まだ聞いていない質問" in read_back and "病院・診療所を開設していましたか" in read_back
    assert re.search(r"予約確認の連絡\s*電話", read_back)
    checked(operator, "2-read-back")
    page.click("button:has-text('予約を確定する')")
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert "予約を確定しました" in page.inner_text("main")

    staff = signed_in(browser, base, "hoken_b")
    page = staff.open("/tasks?tab=group")
    link = page.locator(f"tr:has(a[href='/cases/{case_id}']) a[href^='/prechecks/']")
    precheck_path = link.get_attribute("href")
    link.click()
    page.wait_for_selector("h1:has-text('事前確認')")
    subject = page.inner_text(".subject")
    assert "等々力 一郎（トドロキ イチロウ）" in subject and "昭和15年5月5日" in subject and "等々力 花子（続柄：長女）" in subject
    page.check("input[name='decision.HN01'][value=drop]")                    # 不要 … but no reason yet
    assert page.locator("#reason-HN01").is_visible()
    assert page.locator("#reason-HN02").is_hidden()                          # 必要: no reason asked
    page.click("button:has-text('事前確認を完了する')")
    page.wait_for_selector("text=確認が終わっていない手続があります")
    problems = page.inner_text("#form-errors")
    assert "HN01（（国保・後期）葬祭費の請求）：不要とする理由を入力してください。" in problems
    checked(staff, "3-precheck-problems")

    page.fill("#reason-HN01", "葬儀を行っていないことを確認")
    page.check("input[name=add][value=HN03]")
    assert page.locator("#add-reason-HN03").is_visible()
    page.fill("#add-reason-HN03", "入院費の支払いあり")
    page.fill("#note", "喪主の方の連絡先を窓口で確認してください")
    checked(staff, "4-precheck-filled")
    page.click("button:has-text('事前確認を完了する')")
    page.wait_for_url(re.compile(r"/tasks"))
    assert f"（案件 {case_id}）を完了しました" in page.inner_text("main")

    page = staff.open(precheck_path)
    decided = page.inner_text("main")
    assert "事前確認の結果" in decided and "葬儀を行っていないことを確認" in decided and "入院費の支払いあり" in decided
    assert "喪主の方の連絡先を窓口で確認してください" in decided
    checked(staff, "5-precheck-done")

    # ---- the visit's day at the counter
    other_departments_confirm(platform.runtime, case_id)
    slot = datetime.fromisoformat(platform.runtime.instance_data(case_id)["slot_start"]).astimezone(JST)
    with time_machine.travel(slot + timedelta(minutes=4), tick=True):
        counter = signed_in(browser, base, "counter_b")
        page = counter.open("/counter/day")
        row = page.locator(f"tr:has(a[href='/cases/{case_id}/visit'])")
        assert "等々力 一郎" in row.inner_text() and f"{slot.hour}:{slot.minute:02d}" in row.inner_text()
        assert "保険年金課: 完了" in row.inner_text()
        checked(counter, "6-counter-day")

        row.locator("a:has-text('来庁対応')").click()
        page.click("button:has-text('受付（チェックイン）')")
        page.wait_for_selector("text=に受付（チェックイン）しました")
        handover = page.inner_text("main")
        assert "喪主の方の連絡先を窓口で確認してください" in handover and "葬儀を行っていないことを確認" in handover
        assert "高額療養費" in handover                                         # the added procedure
        page.wait_for_selector("text=準備ができました", timeout=120_000)        # the packet, made on request
        checked(counter, "7-checked-in-packet-ready")

        page.click("button:has-text('終了（チェックアウト）の内容を確認')")
        page.wait_for_selector("text=まだ保存していません")
        assert "窓口所要時間" in page.inner_text("main")
        checked(counter, "8-check-out-confirmation")
        page.click("button:has-text('この内容で完了する')")
        page.wait_for_selector("text=来庁対応を完了しました")
        checked(counter, "9-case-after-the-visit")

        page = counter.open("/counter/day")
        row = page.locator(f"tr:has(a[href='/cases/{case_id}'])")
        assert "完了" in row.inner_text() and "準備済み" in row.inner_text()
        checked(counter, "10-counter-day-after-the-visit")
        packet = page.context.request.get(f"{base}/cases/{case_id}/packet.pdf")     # as the download link does
        assert packet.status == 200 and packet.body().startswith(b"%PDF")
