"""The second factor of admins, process owners and supervisors (issue #13, 10): required outside the demo (enrolment
right after the password, before the person is signed in), optional in the demo; the code asked after the password,
wrong codes counting toward the lockout, no replay; one-time recovery codes shown once and kept hashed, a code
signing in once, new codes on the account page; the administrator's reset from the user screen and the CLI."""
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
from engine.db.models import AuditEntry, User
from processes.staff import recovery_codes, totp
from tests.web_support import PASSWORD, add_user, csrf_token, enrol_at_sign_in, login
from web.cli import main

PAGE = "/account/totp"
ENROL = "/login/totp/enrol"
T0 = datetime(2026, 11, 24, 0, 0, 10, tzinfo=timezone.utc)   # early in a 30-second step


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def new_account(database, username: str, role: str, ward: str | None = None) -> None:
    """An account as the administrator makes it: no second factor yet."""
    with database.transaction() as s:
        accounts.create_user(s, username, role, PASSWORD, ward=ward)


def password_step(client, username: str, password: str = PASSWORD):
    return login(client, username, password, second_factor=False)


def post(client, path, page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, page), **data})


def signed_in(client) -> bool:
    return client.get("/account/password").status_code == 200


def secret_on(page: str) -> str:
    return re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([A-Z0-9-]{19})</code></li>", page)


def audit_actions(database) -> list[str]:
    with database.transaction(write=False) as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def other_code(app: pyotp.TOTP, code: str = "000000") -> str:
    return code if app.now() != code else "111111"


@pytest.fixture
def admin(client, database, clock):
    """An admin who enrolled at their first sign-in and signed out: (their app, their recovery codes)."""
    new_account(database, "adm", "admin")
    response = password_step(client, "adm")
    codes = enrol_at_sign_in(client, response.headers["Location"])
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    clock.shift(timedelta(seconds=30))     # the code typed at enrolment cannot be used again
    with database.transaction(write=False) as s:
        secret = totp.enrolment(s, accounts.get_user(s, "adm")).secret
    return pyotp.TOTP(secret), codes


def test_outside_the_demo_the_first_sign_in_leads_to_enrolment_and_ends_with_recovery_codes(client, database, clock):
    new_account(database, "sv", "supervisor")
    response = password_step(client, "sv")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == ENROL
    assert not signed_in(client)                                    # the password alone is not enough
    assert client.get("/tasks").headers["Location"].startswith("/login")
    page = client.get(ENROL).get_data(as_text=True)
    assert "この役割でログインするには2段階認証が必要です" in page
    secret = secret_on(page)
    uri = re.search(r'<code class="uri">([^<]+)</code>', page).group(1).replace("&amp;", "&")
    assert len(secret) == 32 and parse_qs(urlsplit(uri).query)["secret"] == [secret] and "sv" in unquote(uri)
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="[^"]*QR', page)
    assert "<script" not in page.split("</head>")[1]
    assert secret_on(client.get(ENROL).get_data(as_text=True)) == secret     # the same secret until confirmed
    app = pyotp.TOTP(secret)
    refused = post(client, ENROL, ENROL, code=other_code(app))
    assert refused.status_code == 422 and "確認コードが正しくありません" in refused.get_data(as_text=True)
    assert not signed_in(client)
    done = post(client, ENROL, ENROL, code=app.now())
    shown = done.get_data(as_text=True)
    codes = codes_on(shown)
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert "二度と表示されません" in shown and 'href="/tasks"' in shown and "業務を始める" in shown
    assert signed_in(client)
    with database.engine.connect() as c:
        stored = " ".join(str(tuple(r)) for r in c.execute(text("SELECT * FROM staff_totp")))
        stored += " ".join(str(tuple(r)) for r in c.execute(text("SELECT * FROM staff_recovery_codes")))
    assert secret not in stored and not any(c in stored or c.replace("-", "") in stored for c in codes)
    assert {"user.totp_enrolled", "user.recovery_codes_generated", "user.login"} <= set(audit_actions(database))


def test_every_role_that_must_have_a_second_factor_is_led_to_enrolment_the_others_are_not(app, database):
    for name, role in (("a", "admin"), ("po", "process_owner"), ("sv", "supervisor")):
        new_account(database, name, role)
        assert urlsplit(password_step(app.test_client(), name).headers["Location"]).path == ENROL, role
    for name, role, ward in (("op", "operator", None), ("counter", "counter", "nakahara"), ("aud", "auditor", None)):
        new_account(database, name, role, ward)
        client = app.test_client()
        assert urlsplit(password_step(client, name).headers["Location"]).path in {"/tasks", "/audit"}, role
        assert client.get(PAGE).status_code == 403
        assert post(client, "/account/totp/start", "/account/password").status_code == 403


def test_the_enrolment_step_expires_after_five_minutes(client, database, clock):
    new_account(database, "po", "process_owner")
    password_step(client, "po")
    page = client.get(ENROL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    clock.shift(timedelta(minutes=5, seconds=1))
    late = client.post(ENROL, data={"csrf_token": token, "code": pyotp.TOTP(secret_on(page)).now()})
    assert late.status_code == 302 and late.headers["Location"].endswith("/login")
    assert "確認コードの入力期限（5分）が過ぎました" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)


@pytest.fixture
def demo_app(platform, instance_dir):
    from engine.settings import load_settings
    from processes.platform import Platform
    from web import create_app

    config = instance_dir / "okuyami.toml"
    config.write_text(config.read_text(encoding="utf-8") + "demo = true\n", encoding="utf-8")
    demo = Platform(load_settings(instance_dir, environ={}), platform.database, platform.registry, platform.runtime)
    flask_app = create_app(platform=demo)
    flask_app.config.update(TESTING=True)
    return flask_app


def test_in_the_demo_the_second_factor_is_optional_and_can_be_enrolled_from_the_account_page(demo_app, database,
                                                                                             clock):
    new_account(database, "admin1", "admin")
    client = demo_app.test_client()
    assert password_step(client, "admin1").headers["Location"] == "/admin/users"
    page = client.get(PAGE).get_data(as_text=True)
    assert "設定を始める" in page and "デモ環境では任意" in page
    post(client, "/account/totp/start", PAGE)
    app = pyotp.TOTP(secret_on(client.get(PAGE).get_data(as_text=True)))
    assert post(client, "/account/totp/confirm", PAGE, code=other_code(app)).status_code == 422
    done = post(client, "/account/totp/confirm", PAGE, code=app.now())
    assert done.status_code == 200 and len(codes_on(done.get_data(as_text=True))) == 10
    assert "残り10個" in client.get(PAGE).get_data(as_text=True)
    clock.shift(timedelta(seconds=30))
    assert urlsplit(password_step(demo_app.test_client(), "admin1").headers["Location"]).path == "/login/totp"


def test_an_enrolled_person_is_asked_for_the_code_after_the_password(client, admin):
    app, _codes = admin
    response = password_step(client, "adm")
    assert response.status_code == 302 and "/login/totp" in response.headers["Location"]
    assert not signed_in(client)
    assert "確認コード" in client.get("/login/totp").get_data(as_text=True)
    half_way = client.get_cookie("okuyami_session").value
    wrong = post(client, "/login/totp", "/login/totp", code=other_code(app, "123456"))
    assert wrong.status_code == 401 and "確認コードが正しくありません" in wrong.get_data(as_text=True)
    assert post(client, "/login/totp", "/login/totp", code=app.now()).status_code == 302
    assert signed_in(client)
    assert client.get_cookie("okuyami_session").value != half_way      # a new token once fully signed in


def test_full_width_digits_with_a_space_are_accepted(client, admin):
    app, _codes = admin
    password_step(client, "adm")
    code = app.now()
    typed = (code[:3] + " " + code[3:]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert post(client, "/login/totp", "/login/totp", code=typed).status_code == 302
    assert signed_in(client)


def test_a_code_cannot_be_used_twice(app, client, admin, clock):
    authenticator, _codes = admin
    code = authenticator.now()
    password_step(client, "adm")
    assert post(client, "/login/totp", "/login/totp", code=code).status_code == 302
    replayer = app.test_client()
    password_step(replayer, "adm")
    assert post(replayer, "/login/totp", "/login/totp", code=code).status_code == 401      # same code, same 30 s
    clock.shift(timedelta(seconds=30))
    assert post(replayer, "/login/totp", "/login/totp", code=authenticator.now()).status_code == 302
    assert signed_in(replayer)


def test_wrong_codes_count_toward_the_lockout(client, database, admin, clock):
    # Wrong passwords slow down their address instead (issue #13, 9: tests/test_hardening_login_throttle.py).
    app, _codes = admin
    password_step(client, "adm")
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert post(client, "/login/totp", "/login/totp", code=other_code(app)).status_code == 401
    locked = post(client, "/login/totp", "/login/totp", code=other_code(app, "999999"))
    assert locked.status_code == 302 and "/login" in locked.headers["Location"]
    assert "一時的にロックされています" in client.get("/login").get_data(as_text=True)
    assert password_step(client, "adm").status_code == 401                # locked: even the right password
    clock.shift(accounts.LOCKOUT + timedelta(seconds=1))
    assert password_step(client, "adm").status_code == 302
    assert post(client, "/login/totp", "/login/totp", code=app.now()).status_code == 302
    assert "user.locked" in audit_actions(database)


def test_malformed_codes_are_explained_and_not_counted(client, admin):
    app, _codes = admin
    password_step(client, "adm")
    for _ in range(accounts.MAX_FAILED_LOGINS + 1):
        response = post(client, "/login/totp", "/login/totp", code="12ab")
        assert response.status_code == 401 and "6桁の数字" in response.get_data(as_text=True)
    assert post(client, "/login/totp", "/login/totp", code=app.now()).status_code == 302


def test_the_code_step_expires_after_five_minutes(client, admin, clock):
    app, _codes = admin
    password_step(client, "adm")
    token = csrf_token(client, "/login/totp")
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.post("/login/totp", data={"csrf_token": token, "code": app.now()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "確認コードの入力期限（5分）が過ぎました" in client.get("/login").get_data(as_text=True)
    assert not signed_in(client)


def recovery(client, code: str):
    return post(client, "/login/recovery", "/login/totp", recovery_code=code)


def test_a_recovery_code_signs_in_once_instead_of_the_app_s_code(app, client, database, admin):
    _authenticator, codes = admin
    password_step(client, "adm")
    assert "回復コードを使う" in client.get("/login/totp").get_data(as_text=True)
    typed = codes[0].lower().replace("-", " ").translate(str.maketrans("abcdefgh", "ａｂｃｄｅｆｇｈ"))
    response = recovery(client, typed)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert "回復コードでログインしました" in client.get("/admin/users").get_data(as_text=True)
    assert "残り9個" in client.get(PAGE).get_data(as_text=True)
    again = app.test_client()
    password_step(again, "adm")
    refused = recovery(again, codes[0])
    assert refused.status_code == 401 and "すでに使われています" in refused.get_data(as_text=True)
    assert not signed_in(again)
    malformed = recovery(again, "abc")
    assert malformed.status_code == 401 and "英数字16文字" in malformed.get_data(as_text=True)
    assert recovery(again, codes[1]).status_code == 302
    assert audit_actions(database).count("user.recovery_code_used") == 2


def test_wrong_recovery_codes_count_toward_the_lockout(client, admin):
    password_step(client, "adm")
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        assert recovery(client, "AAAA-BBBB-CCCC-DDDD").status_code == 401
    locked = recovery(client, "AAAA-BBBB-CCCC-EEEE")
    assert locked.status_code == 302 and locked.headers["Location"].endswith("/login")
    assert "一時的にロックされています" in client.get("/login").get_data(as_text=True)


def test_new_recovery_codes_need_the_app_s_code_and_replace_the_old_ones(app, client, database, admin, clock):
    authenticator, old = admin
    password_step(client, "adm")
    post(client, "/login/totp", "/login/totp", code=authenticator.now())
    assert "新しい回復コードを発行する" in client.get(PAGE).get_data(as_text=True)
    refused = post(client, "/account/totp/recovery-codes", PAGE, code=other_code(authenticator))
    assert refused.status_code == 422 and "確認コードが正しくありません" in refused.get_data(as_text=True)
    clock.shift(timedelta(seconds=30))
    made = post(client, "/account/totp/recovery-codes", PAGE, code=authenticator.now())
    new = codes_on(made.get_data(as_text=True))
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert "これまでの回復コードは使えなくなりました" in made.get_data(as_text=True)
    other = app.test_client()
    password_step(other, "adm")
    assert recovery(other, old[2]).status_code == 401
    assert recovery(other, new[0]).status_code == 302
    assert audit_actions(database).count("user.recovery_codes_generated") == 2


def test_the_recovery_codes_service(database):
    add_user(database, "sv2", "supervisor")
    with database.transaction() as s:
        user = accounts.get_user(s, "sv2")
        codes = recovery_codes.generate(s, user.id, user.username)
        assert recovery_codes.remaining(s, user.id) == 10
        assert all(re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", c) for c in codes)
        assert recovery_codes.use(s, user.id, recovery_codes.normalize(codes[3]))
        assert not recovery_codes.use(s, user.id, recovery_codes.normalize(codes[3]))
        assert recovery_codes.remaining(s, user.id) == 9
        other = accounts.create_user(s, "sv3", "supervisor", PASSWORD)
        assert not recovery_codes.use(s, other.id, recovery_codes.normalize(codes[4]))   # codes are one person's
    assert totp.is_required("admin", demo=False) and not totp.is_required("admin", demo=True)
    assert not totp.is_required("operator", demo=False)


def test_the_administrator_resets_a_lost_second_factor_on_the_user_screen(app, client, database, admin, clock):
    authenticator, codes = admin
    add_user(database, "boss", "admin")
    assert login(client, "boss").status_code == 302
    with database.transaction(write=False) as s:
        target = s.scalar(select(User.id).where(User.username == "adm"))
    page = f"/admin/users/{target}"
    assert "設定済み" in client.get(page).get_data(as_text=True)
    done = post(client, f"{page}/action", page, action="reset_totp")
    assert done.status_code == 302
    assert "2段階認証を解除しました" in client.get(page).get_data(as_text=True)
    person = app.test_client()
    assert urlsplit(password_step(person, "adm").headers["Location"]).path == ENROL    # enrols again
    refused = post(person, "/login/recovery", ENROL, recovery_code=codes[5])
    assert refused.headers["Location"].startswith(ENROL) and not signed_in(person)
    with database.transaction(write=False) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.totp_reset")).one()
        assert entry.actor == "boss" and recovery_codes.remaining(s, target) == 0      # the old codes are gone


def test_the_administrator_resets_a_lost_second_factor_with_the_cli(client, database, instance_dir, admin):
    runner = CliRunner()
    result = runner.invoke(main, ["--instance", str(instance_dir), "users", "totp-reset", "adm"],
                           catch_exceptions=False)
    assert result.exit_code == 0 and "2段階認証を解除しました" in result.output
    with database.transaction(write=False) as s:
        user = accounts.get_user(s, "adm")
        assert not totp.is_enrolled(s, user.id) and recovery_codes.remaining(s, user.id) == 0
    assert urlsplit(password_step(client, "adm").headers["Location"]).path == ENROL
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
