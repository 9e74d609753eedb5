"""The call centre's screens: the call screen records a contact (errors in Japanese beside the fields), the
contact search filters and pages, the record shows what it consulted and can be corrected or deleted, the CSV is
for supervisors and admins, and a department's staff reveal a callback's details (audited) and nothing else."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.db.models import AuditEntry
from tests.callcentre_support import CALLER_NAME, CALLER_PHONE, contact, handover
from tests.page_support import page_csrf, text_of
from tests.security_support import inline_code
from tests.web_support import add_user, login


def call_form(**changes) -> dict:
    form = {"channel": "phone", "counterpart_type": "citizen", "started_at": "2026-11-24T09:58:00+09:00",
            "ended_at": "2026-11-24T10:00:00+09:00", "category": "介護保険", "question": "介護保険証はどこに返すか。",
            "answer": "区役所の高齢・障害課か、おくやみコーナーで返せると案内した。", "outcome": "answered",
            "caller.gender": "male", "caller.age_band": "60s", "caller.satisfaction": "satisfied"}
    form.update(changes)
    return form


def test_the_call_screen_records_a_call_and_starts_the_next(browsers, api_app, clock):
    client = browsers["op"]
    page = client.get("/callcentre/call")
    assert page.status_code == 200 and inline_code(text_of(page)) == []
    body = text_of(page)
    assert "通話終了（Alt+E）" in body and "js/call-screen.js" in body and "2026-11-24T10:00:00+09:00" in body
    saved = client.post("/callcentre/call", data={**call_form(), "csrf_token": page_csrf(client, "/callcentre/call")})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/callcentre/call")
    listing = text_of(client.get("/callcentre/contacts?q=介護保険証"))
    assert "介護保険証はどこに返すか。" in listing and "令和8年11月24日（火） 9:58" in listing
    number = re.search(r'/callcentre/contacts/(\d+)"', listing).group(1)
    record = text_of(client.get(f"/callcentre/contacts/{number}"))
    assert "後処理 0分0秒" in record and "一次完了：はい" in record


def test_a_bad_call_is_shown_again_with_japanese_messages(browsers, clock):
    client = browsers["op"]
    token = page_csrf(client, "/callcentre/call")
    response = client.post("/callcentre/call", data={**call_form(outcome="handed_over", question=""),
                                                     "csrf_token": token, "handover.department": "kumin"})
    body = text_of(response)
    assert response.status_code == 422
    assert "入力してください。" in body and "区民課は区役所の課です。引き継ぐ区を選んでください。" in body
    assert 'aria-invalid="true"' in body and "介護保険" in body          # what was typed is kept


def test_saving_then_booking_goes_to_the_booking_screen(browsers, clock):
    client = browsers["op"]
    token = page_csrf(client, "/callcentre/call")
    saved = client.post("/callcentre/call", data={**call_form(outcome="booked"), "csrf_token": token,
                                                  "then": "booking"})
    assert saved.status_code == 302 and "/bookings/new?contact=" in saved.headers["Location"]


def test_supervisors_correct_and_delete_and_export(browsers, api, clock):
    record = api.post("/contacts", "op", contact(question="葬祭費の申請先")).get_json()
    client = browsers["sv"]
    path = f"/callcentre/contacts/{record['id']}"
    token = page_csrf(client, path)
    corrected = client.post(f"{path}/correct", data={"csrf_token": token, "category": "国民健康保険・後期高齢者医療・年金",
                                                     "question": "葬祭費の申請先を知りたい", "answer": "区役所の保険年金課"})
    assert corrected.status_code == 302
    assert "葬祭費の申請先を知りたい" in text_of(client.get(path))
    export = client.get("/callcentre/contacts/export.csv?q=葬祭費")
    assert export.status_code == 200 and "葬祭費の申請先を知りたい" in export.get_data(as_text=True)
    assert browsers["op"].get("/callcentre/contacts/export.csv").status_code == 403
    deleted = client.post(f"{path}/delete", data={"csrf_token": page_csrf(client, path)})
    assert deleted.status_code == 302 and client.get(path).status_code == 404


def test_department_staff_reveal_a_callback_and_see_no_contacts(browsers, api, api_app, database, clock):
    add_user(database, "kourei_naka", "dept_staff", ward="nakahara", department="kourei_shogai")
    record = api.post("/contacts", "op", handover()).get_json()

    client = api_app.test_client()
    assert login(client, "kourei_naka").status_code == 302
    assert client.get(f"/callcentre/contacts/{record['id']}").status_code == 403
    assert client.get("/callcentre/call").status_code == 403
    listing = text_of(client.get("/callcentre/callbacks"))
    task_id = re.search(r'/callcentre/callbacks/(\d+)"', listing).group(1)
    assert CALLER_NAME not in listing
    shown = text_of(client.get(f"/callcentre/callbacks/{task_id}"))
    assert CALLER_NAME in shown and CALLER_PHONE in shown and f"/tasks/{task_id}/form" in shown
    with database.transaction(write=False) as session:
        viewed = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.callback_viewed")).all()
    assert [e.actor for e in viewed] == ["kourei_naka"]
    form = text_of(client.get(f"/tasks/{task_id}/form"))
    assert "介護保険料の還付はいくらになるか。" in form and CALLER_PHONE not in form


def test_the_case_booked_from_a_call_is_linked_with_one_click(browsers, api, clock):
    from tests.api_support import reservation

    record = api.post("/contacts", "op", contact(outcome="booked")).get_json()
    case = api.post("/cases", "op", reservation()).get_json()
    client = browsers["op"]
    path = f"/callcentre/contacts/{record['id']}"
    page = text_of(client.get(path))
    assert f"案件番号 {case['id']}（" in page
    linked = client.post(f"{path}/case", data={"csrf_token": page_csrf(client, path), "case_id": str(case["id"])})
    assert linked.status_code == 302
    assert [i["id"] for i in api.get(f"/cases/{case['id']}/contacts", "sv").get_json()["items"]] == [record["id"]]
    assert f"案件番号 {case['id']}" in text_of(client.get(path)) and "この電話で予約した案件" not in text_of(client.get(path))


def test_the_call_screen_picks_up_the_call_the_phone_system_connected_to_the_operator(browsers, database, clock):
    from processes.calls.importer import import_lines
    # 09:55 JST: a caller enters the queue and is connected to `op` after 8 seconds; at 10:00 they are still talking.
    import_lines(database, ["1795481700|c-777|okuyami|NONE|ENTERQUEUE||0441234567|1",
                            "1795481708|c-777|okuyami|op|CONNECT|8|1795481700.1|3"])
    client = browsers["op"]
    body = text_of(client.get("/callcentre/call"))
    assert 'name="call_id" value="c-777"' in body and "電話システムから取り込んだ通話 c-777" in body
    assert 'data-started="2026-11-24T09:55:08+09:00"' in body
    saved = client.post("/callcentre/call", data={**call_form(call_id="c-777"),
                                                  "csrf_token": page_csrf(client, "/callcentre/call")})
    assert saved.status_code == 302
    after = text_of(client.get("/callcentre/call"))
    assert "c-777" not in after                      # recorded: the next call starts empty


def test_a_booking_started_from_the_call_screen_links_the_contact_and_the_case(browsers, api, clock):
    from werkzeug.datastructures import MultiDict

    from processes.okuyami.booking_form import form_fields
    from tests.case_support import reservation

    client = browsers["op"]
    saved = client.post("/callcentre/call", data={**call_form(outcome="booked"), "then": "booking",
                                                  "csrf_token": page_csrf(client, "/callcentre/call")})
    assert saved.status_code == 302 and "/bookings/new?contact=" in saved.headers["Location"]
    contact_id = int(saved.headers["Location"].rsplit("=", 1)[1])
    form_page = text_of(client.get(saved.headers["Location"]))
    assert f'name="contact" value="{contact_id}"' in form_page and f"応対番号 {contact_id} の通話からの予約です" in form_page
    body = MultiDict([("csrf_token", page_csrf(client, "/bookings/new")), ("contact", str(contact_id)),
                      *form_fields(reservation())])
    confirm = text_of(client.post("/bookings/confirm", data=body))
    assert f'name="contact" value="{contact_id}"' in confirm
    done = client.post("/bookings", data=body)
    assert done.status_code == 302
    case_id = int(done.headers["Location"].rsplit("/", 1)[1])
    assert [i["id"] for i in api.get(f"/cases/{case_id}/contacts", "sv").get_json()["items"]] == [contact_id]
    assert f"応対番号 {contact_id} と関連付けました" in text_of(client.get(f"/cases/{case_id}"))
