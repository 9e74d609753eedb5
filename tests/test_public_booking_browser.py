"""A family at home in a real browser (Chromium), with script on and off: from the navi's result to the free slots,
the booking request form (with the human check) and its request number; the survey and the inquiry form. axe-core
finds no serious or critical violation on any of these pages (script on); screenshots at 1366×768."""
from __future__ import annotations

import re
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
from processes.public import survey
from processes.public.export import export
from processes.public.navi import decode_code
from tests.browser_support import ARTIFACTS
from web.public import limits
from web.public.app import create_public_app

pytestmark = pytest.mark.slow
AXE = PROJECT_ROOT / "web" / "static" / "vendor" / "axe.min.js"
NUMERALS = {word: number for number, word in enumerate(limits._NUMERALS)}


@pytest.fixture(scope="module")
def public_site(tmp_path_factory, data_key):
    folder = tmp_path_factory.mktemp("public-booking")
    database = Database(f"sqlite:///{folder / 'staff.db'}")
    upgrade(database)
    registry = ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused", environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="test")
    with database.transaction() as session:
        token = survey.issue(session, "nakahara", today_jst())
        export(session, folder / "public", today_jst())
    database.dispose()
    limits.reset()
    server = make_server("127.0.0.1", 0, create_public_app(folder / "public"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", "out": folder / "public", "token": token}
    server.shutdown()
    thread.join()


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)")


def _check(page, name: str, script: bool) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}{'' if script else '-noscript'}.png"), full_page=False)
    if script:
        assert _violations(page) == []
    text = page.inner_text("main")
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", text)                # no ISO timestamp on screen


def _answer(question: str) -> str:
    first, _, rest = question.partition(" たす ")
    return str(NUMERALS[first] + NUMERALS[rest.split(" ")[0]])


@pytest.mark.parametrize("script", [True, False], ids=["script-on", "script-off"])
def test_a_family_goes_from_the_navi_to_a_booking_request(public_site, browser, script):
    base = public_site["base"]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP", bypass_csp=True,
                                  java_script_enabled=script)
    page = context.new_page()
    page.goto(f"{base}/navi")
    page.get_by_label("中原区役所").check()
    page.get_by_role("button", name="次へ").click()
    page.get_by_role("group", name="亡くなられた方は世帯主でしたか").get_by_label("はい").check()
    page.get_by_label("人数").fill("2")
    for _ in range(9):
        page.get_by_role("button", name="次へ").or_(page.get_by_role("button", name="結果を見る")).click()
    code = page.inner_text("#answers-code")
    page.get_by_role("link", name="この回答コードをつけて、Webで予約を申し込む").click()
    assert "中原区役所" in page.inner_text("h2")
    _check(page, "public-booking-slots", script)
    page.locator(".slot-list a").first.click()
    assert page.get_by_label("手続ナビの回答コード（お持ちの場合）").input_value() == code
    _check(page, "public-booking-form", script)
    fields = {"亡くなられた方": {"お名前": "川崎 太郎", "フリガナ": "カワサキ タロウ", "ご住所": "川崎市中原区小杉町3-245",
                                "生年月日": "昭和15年5月5日"},
              "来庁される方（申し込まれる方）": {"お名前": "川崎 花子", "フリガナ": "カワサキ ハナコ",
                                         "ご住所": "横浜市港北区日吉2-8-14", "生年月日": "昭和43年2月3日",
                                         "電話番号": "044-200-0000"}}
    for group, values in fields.items():
        for label, value in values.items():
            page.get_by_role("group", name=group).get_by_label(label, exact=True).fill(value)
    page.get_by_label("亡くなられた日").fill("2026-11-20")
    page.get_by_label("死亡届を出した日").fill("2026-11-21")
    page.get_by_label("死亡届を出した市区町村").fill("川崎市中原区")
    page.get_by_label("亡くなられた方との続柄").fill("長女")
    page.get_by_role("group", name="代表相続人ですか").get_by_label("はい").check()
    page.get_by_role("button", name="申し込む").click()                 # the human check is not answered yet
    assert "確認の質問の答えが違います" in page.inner_text("[role=alert]")
    assert page.get_by_label("亡くなられた日").input_value() == "2026-11-20"
    question = re.search(r"確認の質問: (.+)", page.inner_text("label[for=check_answer]")).group(1)
    page.get_by_label(re.compile("確認の質問")).fill(_answer(question))
    page.get_by_role("button", name="申し込む").click()
    number = page.inner_text("#request-number")
    assert re.fullmatch(r"R-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    assert (public_site["out"] / "inbox" / "booking" / f"{number}.sealed").exists()
    _check(page, "public-booking-received", script)
    assert decode_code(code)[0]["household_head"] == "yes"
    context.close()


def test_the_survey_and_the_inquiry_form_in_the_browser(public_site, browser):
    base = public_site["base"]
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP", bypass_csp=True)
    page.goto(f"{base}/survey/{public_site['token']}")
    _check(page, "public-survey", True)
    page.get_by_role("group", name="おくやみコーナーの対応に満足されましたか").get_by_label("満足", exact=True).check()
    page.get_by_role("group", name="窓口でかかった時間はいかがでしたか").get_by_label("ちょうどよかった").check()
    page.get_by_role("button", name="回答を送る").click()
    assert "ご回答ありがとうございました" in page.inner_text("h1")
    page.goto(f"{base}/survey/{public_site['token']}")
    assert "すでにご回答いただいています" in page.inner_text("main")
    page.goto(f"{base}/inquiry")
    _check(page, "public-inquiry", True)
    page.get_by_label("お問い合わせの内容").fill("土曜日に窓口は開いていますか。")
    page.get_by_label("メールアドレス（メールで受け取る場合）").fill("taro@example.jp")
    question = re.search(r"確認の質問: (.+)", page.inner_text("label[for=check_answer]")).group(1)
    page.get_by_label(re.compile("確認の質問")).fill(_answer(question))
    page.get_by_role("button", name="送信する").click()
    assert re.fullmatch(r"Q-[0-9A-Z]{4}-[0-9A-Z]{4}", page.inner_text("#inquiry-number"))
    _check(page, "public-inquiry-received", True)
    page.close()
