"""The bell in every page header (an htmx fragment with the unread count), the list of one's notifications and
marking them read; another person's notification is 404."""
from __future__ import annotations

import re

from processes.notifications import store
from tests.page_support import page_csrf, text_of


def give(database, recipient: str, title: str, link: str | None = None) -> int:
    with database.transaction() as s:
        return store.notify(s, recipient, "task_overdue", title, link=link, instance_id=7).id


def test_the_header_loads_the_bell_and_the_bell_shows_the_unread_count(browsers, database):
    client = browsers["kumin_naka"]
    page = text_of(client.get("/tasks"))
    assert 'hx-get="/notifications/bell"' in page
    assert "未読なし" in text_of(client.get("/notifications/bell"))
    give(database, "kumin_naka", "期限超過：案件番号 7 事前確認（区民課）")
    give(database, "kumin_naka", "期限超過：案件番号 8 事前確認（区民課）")
    give(database, "hoken_naka", "期限超過：案件番号 7 事前確認（保険年金課）")
    bell = text_of(client.get("/notifications/bell"))
    assert "未読 2件" in bell and re.search(r'class="unread-count">2<', bell)


def test_the_list_shows_one_s_own_notifications_and_marks_them_read(browsers, database):
    client = browsers["kumin_naka"]
    mine = give(database, "kumin_naka", "期限超過：案件番号 7 事前確認（区民課）", link="/tasks/3/form")
    give(database, "hoken_naka", "期限超過：案件番号 7 事前確認（保険年金課）")
    page = text_of(client.get("/notifications"))
    assert "案件番号 7 事前確認（区民課）" in page and "保険年金課" not in page and "未読 1件" in page

    token = page_csrf(client, "/notifications")
    response = client.post(f"/notifications/{mine}/read", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "notifications-changed"
    assert "既読にする" not in text_of(response)
    assert "未読なし" in text_of(client.get("/notifications/bell"))
    assert "未読のお知らせはありません" in text_of(client.get("/notifications?show=unread"))


def test_opening_a_notification_marks_it_read_and_goes_to_its_task(browsers, database):
    client = browsers["kumin_naka"]
    mine = give(database, "kumin_naka", "期限超過：案件番号 7", link="/tasks/3/form")
    outside = give(database, "kumin_naka", "期限超過：案件番号 8", link="https://evil.example/")
    token = page_csrf(client, "/notifications")
    response = client.post(f"/notifications/{mine}/read", data={"csrf_token": token, "open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks/3/form"
    response = client.post(f"/notifications/{outside}/read", data={"csrf_token": token, "open": "1"})
    assert response.headers["Location"] == "/notifications"       # never to another host


def test_another_person_s_notification_is_not_found(browsers, database):
    theirs = give(database, "hoken_naka", "期限超過：案件番号 7 事前確認（保険年金課）")
    client = browsers["kumin_naka"]
    token = page_csrf(client, "/notifications")
    assert client.post(f"/notifications/{theirs}/read", data={"csrf_token": token}).status_code == 404
    assert "未読 1件" in text_of(browsers["hoken_naka"].get("/notifications"))


def test_all_can_be_marked_read_at_once(browsers, database):
    client = browsers["sv"]
    for number in (1, 2, 3):
        give(database, "sv", f"期限超過：案件番号 {number}")
    token = page_csrf(client, "/notifications")
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    assert "未読 0件" in text_of(client.get("/notifications"))
    assert "未読なし" in text_of(client.get("/notifications/bell"))


def test_signed_out_people_see_no_bell(api_app):
    client = api_app.test_client()
    assert client.get("/notifications/bell").status_code == 302
    assert "/notifications/bell" not in text_of(client.get("/login"))
