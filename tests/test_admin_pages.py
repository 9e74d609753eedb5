"""The administrator's screens: users (create, role and scope, deactivate, unlock, password, second factor, API
token), ward corners and slots (what booking and the calendar then use), closures, departments, retention; every
change in the audit log; every bad input answered with what is allowed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import accounts
from engine.db.models import AuditEntry, User
from engine.db.types import utcnow
from processes import departments as registry
from processes.calendar import BusinessCalendar
from processes.staff.models import StaffTotp
from processes.wards import load_wards
from tests.admin_support import repository_values_afterwards  # noqa: F401 - fixture
from tests.page_support import Browsers, page_csrf, text_of
from tests.web_support import PASSWORD, login


@pytest.fixture
def browsers(api_app, database):
    return Browsers(api_app, database)


def actions(database) -> list[str]:
    with database.transaction(write=False) as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def user_id(database, username: str) -> int:
    with database.transaction(write=False) as s:
        return s.scalar(select(User.id).where(User.username == username))


def test_the_administrator_lands_on_the_user_list_and_the_auditor_on_the_audit_trail(api_app, database):
    from tests.web_support import add_user
    add_user(database, "admin9", "admin")
    add_user(database, "auditor9", "auditor")
    for name, home, heading in (("admin9", "/admin/users", "ユーザー管理"), ("auditor9", "/audit", "監査ログ")):
        client = api_app.test_client()
        response = login(client, name)
        assert response.status_code == 302 and response.headers["Location"] == home
        assert client.get("/").headers["Location"] == home
        page = text_of(client.get(home))
        assert f"<h1>{heading}</h1>" in page and "タスク一覧</a>" not in page


def test_an_administrator_creates_an_account_that_can_sign_in(browsers, api_app, database):
    admin = browsers["admin"]
    token = page_csrf(admin, "/admin/users/new")
    response = admin.post("/admin/users/new", data={
        "csrf_token": token, "display_name": "多摩 花子", "username": "kumin_tama2", "role": "dept_staff",
        "ward": "tama", "department": "kumin", "password": PASSWORD})
    assert response.status_code == 302
    listing = text_of(admin.get("/admin/users"))
    assert "多摩 花子" in listing and "多摩区・区民課" in listing
    assert login(api_app.test_client(), "kumin_tama2").status_code == 302
    assert "user.created" in actions(database)


def test_creating_an_account_lists_every_problem_with_what_is_allowed(browsers):
    admin = browsers["admin"]
    response = admin.post("/admin/users/new", data={
        "csrf_token": page_csrf(admin, "/admin/users/new"), "display_name": "長" * 101, "username": "A B",
        "role": "dept_staff", "ward": "", "department": "", "password": "short"})
    page = text_of(response)
    assert response.status_code == 422
    assert "ユーザー名は半角の英小文字・数字と _ . - で2〜64文字" in page
    assert "氏名は1〜100文字で入力してください（現在101文字）" in page
    assert "この役割には担当の区が必要です" in page and "この役割には担当課が必要です" in page
    assert "パスワードは8文字以上にしてください" in page
    assert 'value="A B"' in page                     # the input is kept


def test_changing_role_and_scope_ends_the_person_s_sessions(browsers, database):
    counter = browsers["counter_naka"]
    assert counter.get("/tasks").status_code == 200
    admin = browsers["admin"]
    target = user_id(database, "counter_naka")
    response = admin.post(f"/admin/users/{target}", data={
        "csrf_token": page_csrf(admin, f"/admin/users/{target}"), "display_name": "中原 窓口",
        "role": "counter", "ward": "tama"})
    assert response.status_code == 302
    with database.transaction(write=False) as s:
        assert s.get(User, target).ward == "tama" and s.get(User, target).display_name == "中原 窓口"
    assert counter.get("/tasks").headers["Location"].startswith("/login")
    assert "user.updated" in actions(database)


def test_deactivate_unlock_password_second_factor_and_tokens(browsers, api_app, database):
    admin = browsers["admin"]
    target = user_id(database, "kumin_naka") or (browsers["kumin_naka"] and user_id(database, "kumin_naka"))
    page = f"/admin/users/{target}"

    def act(action, **extra):
        return admin.post(f"{page}/action", data={"csrf_token": page_csrf(admin, page), "action": action, **extra})

    with database.transaction() as s:
        user = s.get(User, target)
        user.locked_until = utcnow() + timedelta(minutes=10)
        s.add(StaffTotp(user_id=target, secret=b"JBSWY3DPEHPK3PXP", confirmed_at=utcnow()))
    assert "ロック中" in text_of(admin.get(page))
    assert act("unlock").status_code == 302
    assert login(api_app.test_client(), "kumin_naka", second_factor=False).headers["Location"].startswith("/login/totp")
    assert act("reset_totp").status_code == 302
    assert login(api_app.test_client(), "kumin_naka").headers["Location"] == "/tasks"

    short = act("reset_password", new_password="abc")
    assert short.status_code == 422 and "パスワードは8文字以上にしてください" in text_of(short)
    assert act("reset_password", new_password="new password 2026").status_code == 302
    assert login(api_app.test_client(), "kumin_naka", "new password 2026").status_code == 302

    issued = act("issue_token")
    shown = re.search(r'<code class="token">([^<]+)</code>', text_of(issued)).group(1)
    with database.transaction(write=False) as s:
        assert accounts.user_for_token(s, shown).id == target
    assert act("revoke_token").status_code == 302
    with database.transaction(write=False) as s:
        assert accounts.user_for_token(s, shown) is None

    assert act("deactivate").status_code == 302
    assert login(api_app.test_client(), "kumin_naka", "new password 2026").status_code == 401
    assert act("activate").status_code == 302
    assert {"user.unlocked", "user.totp_reset", "user.password_changed", "user.token_issued", "user.token_revoked",
            "user.deactivated", "user.activated"} <= set(actions(database))


def test_the_administrator_cannot_deactivate_themselves_and_an_empty_action_changes_nothing(browsers, database):
    admin = browsers["admin"]
    mine = user_id(database, "admin")
    page = f"/admin/users/{mine}"
    refused = admin.post(f"{page}/action", data={"csrf_token": page_csrf(admin, page), "action": "deactivate"})
    assert refused.status_code == 422 and "自分自身のアカウントは無効にできません" in text_of(refused)
    empty = admin.post(f"{page}/action", data={"csrf_token": page_csrf(admin, page)})
    assert empty.status_code == 422 and "操作を選んでください" in text_of(empty)
    assert admin.get("/admin/users/99999").status_code == 404


def test_a_ward_s_slots_and_location_saved_by_the_administrator_are_what_booking_offers(browsers, api, database):
    admin = browsers["admin"]
    assert "東田町8" in text_of(admin.get("/admin/wards"))
    response = admin.post("/admin/wards/kawasaki", data={
        "csrf_token": page_csrf(admin, "/admin/wards/kawasaki"), "office": "川崎区役所",
        "address": "川崎市川崎区東田町8 新庁舎", "corner_location": "新庁舎 市民課の隣", "corner_floor": "2階",
        "slot_times": "9:00, 11:00、13:30", "capacity": "2"})
    assert response.status_code == 302
    assert load_wards()["kawasaki"].corner_location == "新庁舎 市民課の隣"
    assert load_wards()["nakahara"].address == "川崎市中原区小杉町3-245"     # the others copied as they were
    slots = api.get("/slots?ward=kawasaki&from=2026-12-01&to=2026-12-01", "op").get_json()["slots"]
    assert [(s["start"][11:16], s["capacity"]) for s in slots] == [("09:00", 2), ("11:00", 2), ("13:30", 2)]
    other = api.get("/slots?ward=nakahara&from=2026-12-01&to=2026-12-01", "op").get_json()["slots"]
    assert [s["start"][11:16] for s in other] == ["09:00", "10:30", "13:00", "14:30"]
    assert "ward.updated" in actions(database)


def test_a_bad_ward_form_says_what_is_allowed(browsers):
    admin = browsers["admin"]
    response = admin.post("/admin/wards/kawasaki", data={
        "csrf_token": page_csrf(admin, "/admin/wards/kawasaki"), "office": "", "address": "所" * 201,
        "slot_times": "8:00, 25:00, 15:30", "capacity": "0"})
    page = text_of(response)
    assert response.status_code == 422
    assert "庁舎名を入力してください" in page and "所在地は200文字以内で入力してください（現在201文字）" in page
    assert "「25:00」は時刻ではありません" in page and "8:00 は受付時間外です。9:00〜14:30 の間で入力してください" in page
    assert "15:30 は受付時間外です" in page and "1枠の受付家族数は1〜20の数字で入力してください" in page
    assert BusinessCalendar.default().config.wards["kawasaki"].slots.capacity == 1   # nothing saved
    assert browsers["admin"].get("/admin/wards/nowhere").status_code == 404


def test_a_one_off_closure_removes_the_ward_s_slots_on_those_days(browsers, api, database):
    admin = browsers["admin"]
    token = page_csrf(admin, "/admin/wards/kawasaki")
    response = admin.post("/admin/wards/kawasaki/closures", data={
        "csrf_token": token, "first_day": "2026-12-01", "last_day": "2026-12-02", "reason": "コーナー移転"})
    assert response.status_code == 302
    page = text_of(admin.get("/admin/wards/kawasaki"))
    shown = re.sub(r"<[^>]+>", "", page)
    assert "令和8年12月1日（火）〜令和8年12月2日（水）" in shown and "コーナー移転" in shown
    assert api.get("/slots?ward=kawasaki&from=2026-12-01&to=2026-12-02", "op").get_json()["slots"] == []
    assert len(api.get("/slots?ward=nakahara&from=2026-12-01&to=2026-12-01", "op").get_json()["slots"]) == 4
    closure_id = re.search(r"/closures/(\d+)/delete", page).group(1)
    admin.post(f"/admin/wards/kawasaki/closures/{closure_id}/delete", data={"csrf_token": token})
    assert len(api.get("/slots?ward=kawasaki&from=2026-12-01&to=2026-12-01", "op").get_json()["slots"]) == 4
    assert {"ward.closure_added", "ward.closure_removed"} <= set(actions(database))


def test_a_closure_with_its_days_reversed_is_refused(browsers):
    admin = browsers["admin"]
    response = admin.post("/admin/wards/kawasaki/closures", data={
        "csrf_token": page_csrf(admin, "/admin/wards/kawasaki"), "first_day": "2026-12-05",
        "last_day": "2026-12-01", "reason": ""})
    page = text_of(response)
    assert response.status_code == 422 and "最終日は初日と同じか、それより後の日にしてください" in page
    assert "理由は1〜200文字で入力してください（現在0文字）" in page


def test_a_city_hall_department_added_by_the_administrator_is_offered_for_accounts(browsers, database):
    admin = browsers["admin"]
    response = admin.post("/admin/departments", data={
        "csrf_token": page_csrf(admin, "/admin/departments"), "code": "shimin_seikatsu", "name": "市民文化局 市民生活課",
        "level": "city"})
    assert response.status_code == 302
    assert registry.DEPARTMENTS["shimin_seikatsu"] == "市民文化局 市民生活課" and "shimin_seikatsu" in registry.CITY_DEPARTMENTS
    assert "市民文化局 市民生活課" in text_of(admin.get("/admin/departments"))
    renamed = admin.post("/admin/departments", data={
        "csrf_token": page_csrf(admin, "/admin/departments"), "existing": "kumin", "code": "", "name": "区民課（戸籍・住民記録）",
        "level": "ward"})
    assert renamed.status_code == 302 and registry.WARD_DEPARTMENTS["kumin"] == "区民課（戸籍・住民記録）"
    assert '<option value="shimin_seikatsu"' in text_of(admin.get("/admin/users/new"))
    refused = admin.post("/admin/departments", data={
        "csrf_token": page_csrf(admin, "/admin/departments"), "code": "X", "name": "", "level": "planet"})
    page = text_of(refused)
    assert refused.status_code == 422 and "課の識別名は半角の英小文字で始まる" in page
    assert "区役所か市役所かを選んでください" in page
    assert "department.saved" in actions(database)


def test_retention_periods_are_stored_shown_and_checked(browsers, database):
    from processes.administration.retention import retention_months

    admin = browsers["admin"]
    page = text_of(admin.get("/admin/retention"))
    assert "通話録音" in page and 'name="call_recordings" value="6"' in page
    form = {"csrf_token": page_csrf(admin, "/admin/retention"), "case_personal_data": "24", "print_packets": "3",
            "contact_records": "60", "call_recordings": "6", "notifications": "12", "audit_log": "60"}
    assert admin.post("/admin/retention", data=form).status_code == 302
    with database.transaction(write=False) as s:
        assert retention_months(s, "case_personal_data") == 24 and retention_months(s, "call_recordings") == 6
    refused = admin.post("/admin/retention", data={**form, "audit_log": "0"})
    assert refused.status_code == 422 and "監査ログの保存期間は1〜120か月の数字で入力してください" in text_of(refused)
    assert actions(database).count("retention.updated") == 1


def test_only_the_administrator_opens_the_administration(browsers):
    for name in ("op", "sv", "counter_naka", "auditor"):
        assert browsers[name].get("/admin/users").status_code == 403
        assert browsers[name].get("/admin/wards").status_code == 403
