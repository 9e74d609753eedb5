"""The demo city's front door: a login page, and after login the person's (possibly empty) task list."""
import pytest

from engine.errors import ConfigurationError
from engine.settings import load_settings
from processes.platform import build_platform
from tests.web_support import PASSWORD, add_user, csrf_token, login


def test_anonymous_visitor_is_sent_to_the_japanese_login_page(client):
    response = client.get("/tasks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get("/login")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="ja">' in text and "ログイン" in text and "パスワード" in text


def test_pages_carry_security_headers_and_a_csp_without_inline_script(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, database):
    add_user(database, "op", "operator")
    response = client.post("/login", data={"username": "op", "password": PASSWORD})
    assert response.status_code == 400
    assert "/login" in client.get("/tasks").headers["Location"]


def test_wrong_password_is_refused_with_a_japanese_message(client, database):
    add_user(database, "op", "operator")
    response = login(client, "op", "not the password")
    assert response.status_code == 401
    assert "ユーザー名またはパスワードが正しくありません" in response.get_data(as_text=True)


def test_after_login_an_empty_task_list_is_shown(client, database):
    add_user(database, "op", "operator")
    response = login(client, "op")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tasks")
    page = client.get("/tasks").get_data(as_text=True)
    assert "タスク一覧" in page and "現在、対応待ちのタスクはありません" in page
    assert "op（コールセンターオペレーター）" in page


def test_task_list_shows_the_roles_own_open_tasks_scoped_to_the_ward(client, database, runtime):
    runtime.start("review", "op", data={"age": 70}, ward="nakahara")
    runtime.start("review", "op", data={"age": 50}, ward="tama")
    for ward in ("nakahara", "tama"):
        [intake] = runtime.list_tasks(role="operator", ward=ward)
        runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op")
        [precheck] = runtime.list_tasks(role="dept_staff", ward=ward)
        runtime.complete_task(precheck.id, {"checked": True}, "dept")
    add_user(database, "counter_nakahara", "counter", ward="nakahara")
    login(client, "counter_nakahara")
    page = client.get("/tasks").get_data(as_text=True)
    assert "来庁対応" in page and "中原区" in page
    assert "多摩区" not in page
    assert "対応待ちのタスク（1件）" in page


def test_logout_ends_the_session(client, database):
    add_user(database, "op", "operator")
    login(client, "op")
    assert client.get("/tasks").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/tasks")})
    assert response.status_code == 302
    assert "/login" in client.get("/tasks").headers["Location"]


def test_an_open_redirect_after_login_is_not_followed(client, database):
    add_user(database, "op", "operator")
    response = client.post("/login?next=https://evil.example/", data={
        "username": "op", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/tasks")


def test_the_app_refuses_to_start_without_a_data_key_outside_the_demo(tmp_path):
    settings = load_settings(tmp_path, environ={"OKUYAMI_SECRET_KEY": "x" * 40})
    with pytest.raises(ConfigurationError, match="OKUYAMI_DATA_KEY"):
        build_platform(settings)
