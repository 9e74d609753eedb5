"""Server-side sessions: the cookie is a random token whose hash is stored; logout, the 30-minute idle limit, the
12-hour absolute limit and a password change end a session on the server, so a copied cookie is worth nothing."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, text

from processes.staff.models import StaffSession
from tests.web_support import PASSWORD, add_user, csrf_token, login

COOKIE = "okuyami_session"
PAGE = "/account/password"          # a page every signed-in person may open
T0 = datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def operator(database):
    add_user(database, "op", "operator")
    return "op"


def cookie(client) -> str | None:
    found = client.get_cookie(COOKIE)
    return found.value if found else None


def signed_in(client) -> bool:
    response = client.get(PAGE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def rows(database) -> list[StaffSession]:
    with database.transaction(write=False) as s:
        return list(s.scalars(select(StaffSession).order_by(StaffSession.id)))


def test_the_cookie_is_a_random_token_and_only_its_hash_is_stored(client, database, operator):
    login(client, operator)
    token = cookie(client)
    assert len(token) >= 40 and "." not in token          # not a signed payload: nothing to decode
    [row] = [r for r in rows(database) if r.user_id is not None]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.revoked_at is None and row.created_at == row.last_seen_at
    with database.engine.connect() as c:
        dump = " ".join(str(tuple(r)) for r in c.execute(text("SELECT * FROM staff_sessions")))
    assert token not in dump
    # the session's data (CSRF token included) is encrypted in the row
    assert csrf_token(client, PAGE) not in dump


def test_signing_in_replaces_the_visitors_token(client, database, operator):
    client.get("/login")
    before = cookie(client)
    assert before is not None                         # the login form's CSRF token lives in a visitor session
    login(client, operator)
    after = cookie(client)
    assert after != before
    visitor = next(r for r in rows(database) if r.token_hash == hashlib.sha256(before.encode()).hexdigest())
    assert visitor.revoked_at is not None and visitor.user_id is None


def test_a_copied_cookie_stops_working_at_logout(app, client, database, operator):
    login(client, operator)
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie(client))
    assert signed_in(thief)
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    assert not signed_in(client)
    response = thief.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    [row] = [r for r in rows(database) if r.user_id is not None]
    assert row.revoked_reason == "logout" and row.revoked_at is not None


def test_thirty_idle_minutes_end_the_session_with_a_japanese_message(client, database, operator, clock):
    login(client, operator)
    clock.shift(timedelta(minutes=29))
    assert signed_in(client)
    clock.shift(timedelta(minutes=29))                # 58 minutes after login, 29 after the last request
    assert signed_in(client)
    clock.shift(timedelta(minutes=30, seconds=1))
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "30分間操作がなかったため、ログアウトしました" in page
    assert not signed_in(client)
    [row] = [r for r in rows(database) if r.user_id is not None]
    assert row.revoked_reason == "idle"


def test_twelve_hours_after_login_the_session_ends_however_busy(client, database, operator, clock):
    login(client, operator)
    for _ in range(12 * 3):
        clock.shift(timedelta(minutes=20))
        assert signed_in(client)
    clock.shift(timedelta(minutes=1))
    response = client.get(PAGE, follow_redirects=True)
    assert "ログインから12時間が経過したため" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_password_change_ends_every_session_of_that_person(app, client, database, operator):
    login(client, operator)
    other_desk = app.test_client()
    login(other_desk, operator)
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "current_password": PASSWORD,
                                       "new_password": "a new passphrase", "new_password_confirmation":
                                       "a new passphrase"})
    assert response.status_code == 302
    assert "新しいパスワードでログインしてください" in client.get("/login").get_data(as_text=True)
    moved = other_desk.get(PAGE, follow_redirects=True).get_data(as_text=True)
    assert "パスワードが変更されたため、ログアウトしました" in moved
    assert not signed_in(client) and not signed_in(other_desk)
    assert {r.revoked_reason for r in rows(database) if r.user_id is not None} == {"password_changed"}
    assert login(client, operator).status_code == 401
    assert login(client, operator, "a new passphrase").status_code == 302
    assert signed_in(client)


def test_a_refused_password_change_names_each_field_and_keeps_the_session(client, operator):
    login(client, operator)
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "current_password": "wrong",
                                       "new_password": "short", "new_password_confirmation": "other"})
    assert response.status_code == 422
    assert "現在のパスワードが正しくありません" in response.get_data(as_text=True)
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "current_password": PASSWORD,
                                       "new_password": "short", "new_password_confirmation": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "8文字以上" in page and "同じパスワードをもう一度入力してください" in page
    assert signed_in(client)


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, database, operator):
    login(client, operator)
    with database.transaction() as s:
        s.execute(text("UPDATE users SET active = :no WHERE username = 'op'"), {"no": False})
    response = client.get(PAGE, follow_redirects=True)
    assert "このアカウントは利用できなくなりました" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_static_files_and_the_api_open_no_session(client, database):
    assert client.get("/static/css/app.css").status_code == 200
    assert client.get("/api/v1/health").status_code == 200
    assert cookie(client) is None and rows(database) == []


def test_visitor_sessions_left_idle_are_purged_at_the_next_login(app, client, database, operator, clock):
    for _ in range(3):
        app.test_client().get("/login")
    assert len(rows(database)) == 3
    clock.shift(timedelta(minutes=31))
    login(client, operator)
    remaining = rows(database)
    assert len(remaining) == 2 and remaining[-1].user_id is not None   # this visitor's (revoked) and the new one


def test_a_form_sent_after_the_idle_limit_is_explained_not_refused(client, operator, clock):
    login(client, operator)
    token = csrf_token(client, PAGE)
    clock.shift(timedelta(minutes=31))
    response = client.post(PAGE, data={"csrf_token": token, "current_password": PASSWORD,
                                       "new_password": "a new passphrase",
                                       "new_password_confirmation": "a new passphrase"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "30分間操作がなかったため" in client.get("/login").get_data(as_text=True)
    assert login(client, operator).status_code == 302          # the password did not change


def test_a_login_form_left_open_for_half_an_hour_asks_again(client, operator, clock):
    token = csrf_token(client)
    clock.shift(timedelta(minutes=31))
    response = client.post("/login", data={"username": operator, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert "ログイン画面を開いてから30分以上経過したため" in client.get("/login").get_data(as_text=True)
    assert login(client, operator).status_code == 302
    assert signed_in(client)


def test_an_htmx_request_after_the_idle_limit_sends_the_whole_page_to_login(client, operator, clock):
    login(client, operator)
    clock.shift(timedelta(minutes=31))
    response = client.get(PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
