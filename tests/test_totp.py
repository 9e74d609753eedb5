"""The optional second factor of admins, process owners and supervisors: enrolment on their own account page, the
code asked after the password, wrong codes counting toward the lockout, no replay, and the admin's reset command."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select, text

from engine import accounts
from engine.db.models import AuditEntry
from processes.staff import totp
from tests.web_support import PASSWORD, add_user, csrf_token, login
from web.cli import main

PAGE = "/account/totp"
T0 = datetime(2026, 11, 24, 0, 0, 10, tzinfo=timezone.utc)   # early in a 30-second step


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGE if path.startswith("/account") else
                                                             "/login/totp"), **data})


def enrol(client) -> pyotp.TOTP:
    """What the person does: start, read the secret off the page, type the app's code."""
    post(client, "/account/totp/start")
    page = client.get(PAGE).get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    response = post(client, "/account/totp/confirm", code=pyotp.TOTP(secret).now())
    assert response.status_code == 302
    return pyotp.TOTP(secret)


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


@pytest.fixture
def admin(client, database, clock):
    """An admin who enrolled and signed out; returns their authenticator."""
    add_user(database, "adm", "admin")
    login(client, "adm")
    authenticator = enrol(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    clock.shift(timedelta(seconds=30))     # the code typed at enrolment cannot be used again
    return authenticator


def test_enrolment_shows_the_secret_as_text_uri_and_qr_image_and_stores_it_encrypted(client, database, clock):
    add_user(database, "sv", "supervisor")
    login(client, "sv")
    page = client.get(PAGE).get_data(as_text=True)
    assert "設定を始める" in page
    post(client, "/account/totp/start")
    page = client.get(PAGE).get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    uri = re.search(r'<code class="uri">([^<]+)</code>', page).group(1).replace("&amp;", "&")
    assert len(secret) == 32
    assert uri.startswith("otpauth://totp/") and parse_qs(urlsplit(uri).query)["secret"] == [secret]
    assert "sv" in unquote(uri)
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="[^"]*QR', page)
    assert "<script" not in page.split("</head>")[1]
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    refused = post(client, "/account/totp/confirm", code=wrong)
    assert refused.status_code == 422 and "確認コードが正しくありません" in refused.get_data(as_text=True)
    assert not totp_enrolled(database, "sv")
    assert post(client, "/account/totp/confirm", code=pyotp.TOTP(secret).now()).status_code == 302
    assert totp_enrolled(database, "sv")
    assert "設定済みです" in client.get(PAGE).get_data(as_text=True)
    with database.engine.connect() as c:
        dump = " ".join(str(tuple(r)) for r in c.execute(text("SELECT * FROM staff_totp")))
    assert secret not in dump and secret.encode() not in dump.encode()


def totp_enrolled(database, username) -> bool:
    with database.transaction(write=False) as s:
        return totp.is_enrolled(s, accounts.get_user(s, username).id)


def test_roles_without_a_second_factor_cannot_open_the_enrolment_page(client, database):
    for role in ("operator", "counter", "auditor"):
        add_user(database, role, role, ward="nakahara" if role == "counter" else None)
        login(client, role)
        assert client.get(PAGE).status_code == 403
        assert post(client, "/account/totp/start").status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})


def test_an_enrolled_person_is_asked_for_the_code_after_the_password(client, admin):
    response = login(client, "adm")
    assert response.status_code == 302 and "/login/totp" in response.headers["Location"]
    assert not signed_in(client)                                    # the password alone is not enough
    assert "確認コード" in client.get("/login/totp").get_data(as_text=True)
    half_way = client.get_cookie("okuyami_session").value
    wrong = post(client, "/login/totp", code="123456" if admin.now() != "123456" else "654321")
    assert wrong.status_code == 401 and "確認コードが正しくありません" in wrong.get_data(as_text=True)
    assert post(client, "/login/totp", code=admin.now()).status_code == 302
    assert signed_in(client)
    assert client.get_cookie("okuyami_session").value != half_way      # a new token once fully signed in


def test_full_width_digits_with_a_space_are_accepted(client, admin):
    login(client, "adm")
    code = admin.now()
    typed = (code[:3] + " " + code[3:]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert post(client, "/login/totp", code=typed).status_code == 302
    assert signed_in(client)


def test_a_code_cannot_be_used_twice(app, client, admin, clock):
    code = admin.now()
    login(client, "adm")
    assert post(client, "/login/totp", code=code).status_code == 302
    replayer = app.test_client()
    login(replayer, "adm")
    assert post(replayer, "/login/totp", code=code).status_code == 401          # same code, same 30 seconds
    clock.shift(timedelta(seconds=30))
    assert post(replayer, "/login/totp", code=admin.now()).status_code == 302   # the next one works
    assert signed_in(replayer)


def test_wrong_codes_count_toward_the_lockout(client, database, admin, clock):
    # Wrong passwords slow down their address instead (issue #13, 9: tests/test_hardening_login_throttle.py).
    login(client, "adm")
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert post(client, "/login/totp", code="000000" if admin.now() != "000000" else "111111").status_code == 401
    locked = post(client, "/login/totp", code="999999" if admin.now() != "999999" else "888888")
    assert locked.status_code == 302 and "/login" in locked.headers["Location"]
    assert "一時的にロックされています" in client.get("/login").get_data(as_text=True)
    assert login(client, "adm").status_code == 401                  # locked: even the right password is refused
    clock.shift(accounts.LOCKOUT + timedelta(seconds=1))
    assert login(client, "adm").status_code == 302
    assert post(client, "/login/totp", code=admin.now()).status_code == 302
    with database.transaction(write=False) as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "user.locked")) == "user.locked"


def test_malformed_codes_are_explained_and_not_counted(client, database, admin):
    login(client, "adm")
    for _ in range(accounts.MAX_FAILED_LOGINS + 1):
        response = post(client, "/login/totp", code="12ab")
        assert response.status_code == 401 and "6桁の数字" in response.get_data(as_text=True)
    assert post(client, "/login/totp", code=admin.now()).status_code == 302


def test_the_code_step_expires_after_five_minutes(client, admin, clock):
    login(client, "adm")
    token = csrf_token(client, "/login/totp")
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.post("/login/totp", data={"csrf_token": token, "code": admin.now()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "確認コードの入力期限（5分）が過ぎました" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)


def test_the_admin_resets_a_lost_second_factor_with_the_cli(client, database, instance_dir, admin):
    runner = CliRunner()
    result = runner.invoke(main, ["--instance", str(instance_dir), "users", "totp-reset", "adm"],
                           catch_exceptions=False)
    assert result.exit_code == 0 and "2段階認証を解除しました" in result.output
    assert not totp_enrolled(database, "adm")
    response = login(client, "adm")
    assert response.status_code == 302 and "/login/totp" not in response.headers["Location"]
    assert signed_in(client)
    again = runner.invoke(main, ["--instance", str(instance_dir), "users", "totp-reset", "adm"])
    assert again.exit_code == 0 and "設定していません" in again.output
    unknown = runner.invoke(main, ["--instance", str(instance_dir), "users", "totp-reset", "nobody"])
    assert unknown.exit_code == 1 and "ユーザーが見つかりません" in unknown.output
    with database.transaction(write=False) as s:
        assert s.scalar(select(AuditEntry.actor).where(AuditEntry.action == "user.totp_reset")) == "cli"


def test_the_admin_sets_a_new_password_with_the_cli_and_every_session_ends(client, database, instance_dir):
    add_user(database, "op", "operator")
    login(client, "op")
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "users", "password", "op",
                                       "--password", "brand new secret"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert login(client, "op", PASSWORD).status_code == 401
    assert login(client, "op", "brand new secret").status_code == 302
