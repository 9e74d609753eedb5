"""The second factor in Debian's Chromium at 1366x768 (issue #13, 10): a supervisor's first sign-in leads to
enrolment (QR code, secret, one code), the recovery codes are shown once, the account page counts them, and the
next sign-in takes the app's code or, with the phone left at home, a recovery code. Screenshots under
test-artifacts/."""
from __future__ import annotations

import re

import pyotp
import pytest

from engine import accounts
from tests.browser_support import live_server, serious_violations, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow


def one_supervisor(platform) -> None:
    with platform.database.transaction() as session:
        accounts.create_user(session, "sv_new", "supervisor", PASSWORD, display_name="監督 新")


@pytest.fixture(scope="module")
def served(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("second-factor"), data_key, one_supervisor) as (base, _nothing):
        yield base


def password_step(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "sv_new")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_supervisor_enrols_at_the_first_sign_in_and_later_signs_in_with_a_recovery_code(served, browser):
    base = served
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    password_step(page, base)
    assert page.url.endswith("/login/totp/enrol")
    assert page.is_visible("img[alt*='QR']") and page.locator("img[alt*='QR']").bounding_box()["width"] >= 200
    shot(page, "second-factor-enrol")
    assert serious_violations(page) == []
    secret = page.text_content(".secret dd code").replace(" ", "")
    page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("form button[type=submit]")
    assert "確認コードが正しくありません" in page.text_content("#code-error")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    codes = [c.strip() for c in page.locator(".recovery-codes code").all_text_contents()]
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", c) for c in codes)
    assert page.is_visible("text=二度と表示されません")
    shot(page, "second-factor-recovery-codes")
    assert serious_violations(page) == []
    page.click("text=保管しました。業務を始める")
    page.wait_for_load_state()
    assert page.url.endswith("/tasks")
    page.click("header >> text=2段階認証")
    page.wait_for_load_state()
    assert "残り10個" in page.text_content("main")
    shot(page, "second-factor-account")
    assert serious_violations(page) == []
    page.click("header button:has-text('ログアウト')")
    page.wait_for_load_state()

    password_step(page, base)
    assert page.url.endswith("/login/totp")
    page.click("text=スマートフォンが手元にないとき")
    page.fill("#recovery_code", codes[0].lower())
    shot(page, "second-factor-recovery-sign-in")
    assert serious_violations(page) == []
    page.click("text=回復コードでログイン")
    page.wait_for_load_state()
    assert page.url.endswith("/tasks")
    assert "回復コードでログインしました" in page.text_content("main") and "残り9個" in page.text_content("main")
    page.close()
