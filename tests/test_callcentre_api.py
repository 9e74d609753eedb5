"""Contact records through the JSON API: recorded with 一次完了 and personal-data hints, bad values named per
field, searched and paged, corrected the same day by their operator, deleted softly by a supervisor, exported as
CSV that Excel opens safely; department staff never see them."""
import csv
import io

from sqlalchemy import select

from engine.db.models import AuditEntry
from tests.api_support import fields
from tests.callcentre_support import add_staff, contact, handover


def test_a_recorded_contact_answers_its_id_completion_and_hints(api):
    response = api.post("/contacts", "op", contact(question="川崎 花子様から、044-200-1500 に折り返し希望"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] > 0 and body["completed_in_centre"] is True and body["operator"] == "op"
    assert {w["kind"] for w in body["warnings"]} == {"phone", "name"}
    assert all(w["field"] == "question" for w in body["warnings"])
    assert api.get(f"/contacts/{body['id']}", "sv").get_json()["question"].startswith("川崎")


def test_only_a_call_the_centre_must_call_back_is_not_completed_in_the_centre(api):
    completed = {}
    for outcome in ("answered", "booked", "transferred", "not_city_matter", "centre_callback"):
        extra = {"reason": "年金事務所の電話番号を案内した。"} if outcome == "not_city_matter" else {}
        if outcome == "centre_callback":
            extra = {"handover": {"callback_name": "高津 一郎", "callback_phone": "044-000-0000"}}
        response = api.post("/contacts", "op", contact(outcome=outcome, **extra))
        assert response.status_code == 201, response.get_json()
        completed[outcome] = response.get_json()["completed_in_centre"]
    assert completed == {"answered": True, "booked": True, "transferred": True, "not_city_matter": True,
                         "centre_callback": False}


def test_bad_values_are_400_naming_each_field(api):
    response = api.post("/contacts", "op", contact(channel="telephone", started_at="2026-11-24 10:00",
                                                   outcome="handed_over", faq_ids="12", caller={"gender": "x"},
                                                   handover={"department": "kumin"}, surprise=1))
    assert response.status_code == 400
    named = fields(response)
    assert {"channel", "started_at", "faq_ids", "caller.gender", "handover.callback_name",
            "handover.callback_phone", "handover.ward", "surprise"} <= named
    messages = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert "phone（電話）" in messages["channel"] and "ISO 8601" in messages["started_at"]


def test_an_empty_list_of_faq_links_and_links_to_faq_items_and_earlier_contacts(api):
    first = api.post("/contacts", "op", contact(faq_ids=[])).get_json()
    second = api.post("/contacts", "op", contact(faq_ids=[12, "FAQ-0031"], related_contact_ids=[first["id"]])).get_json()
    assert first["faq_ids"] == [] and second["faq_ids"] == [12, "FAQ-0031"]
    assert second["related_contact_ids"] == [first["id"]]
    missing = api.post("/contacts", "op", contact(related_contact_ids=[99999]))
    assert missing.status_code == 400 and fields(missing) == {"related_contact_ids"}


def test_search_filters_and_pages(api):
    for index in range(5):
        api.post("/contacts", "op", contact(question=f"葬祭費の申請 {index}", channel="fax" if index % 2 else "phone"))
    api.post("/contacts", "op", contact(question="介護保険証の返し方"))
    found = api.get("/contacts?q=葬祭費&channel=fax&from=2026-11-24&to=2026-11-24", "sv").get_json()
    assert found["total"] == 2 and {i["channel"] for i in found["items"]} == {"fax"}
    paged = api.get("/contacts?per_page=4&page=2", "auditor").get_json()
    assert paged["total"] == 6 and paged["pages"] == 2 and len(paged["items"]) == 2
    bad = api.get("/contacts?from=yesterday&channel=pigeon&page=0", "op")
    assert bad.status_code == 400 and fields(bad) == {"from", "channel", "page"}


def test_an_operator_corrects_their_own_record_the_same_day_and_a_supervisor_any(api, clock):
    record = api.post("/contacts", "op", contact()).get_json()
    corrected = api.client.patch(f"/api/v1/contacts/{record['id']}", headers=api._headers("op"),
                                 json={"answer": "予約に必要な項目を案内した。"})
    assert corrected.status_code == 200 and corrected.get_json()["answer"] == "予約に必要な項目を案内した。"
    clock.shift(24 * 3600)
    late = api.client.patch(f"/api/v1/contacts/{record['id']}", headers=api._headers("op"), json={"answer": "x"})
    assert late.status_code == 403 and "当日" in late.get_json()["error"]["message"]
    by_supervisor = api.client.patch(f"/api/v1/contacts/{record['id']}", headers=api._headers("sv"),
                                     json={"category": "その他"})
    assert by_supervisor.status_code == 200 and by_supervisor.get_json()["updated_by"] == "sv"
    by_auditor = api.client.patch(f"/api/v1/contacts/{record['id']}", headers=api._headers("auditor"), json={})
    assert by_auditor.status_code == 403


def test_a_supervisor_deletes_softly_and_the_record_leaves_search_and_export(api, database):
    kept = api.post("/contacts", "op", contact(question="残す応対")).get_json()
    gone = api.post("/contacts", "op", contact(question="消す応対")).get_json()
    assert api.client.delete(f"/api/v1/contacts/{gone['id']}", headers=api._headers("op")).status_code == 403
    assert api.client.delete(f"/api/v1/contacts/{gone['id']}", headers=api._headers("sv")).status_code == 204
    assert api.get(f"/contacts/{gone['id']}", "sv").status_code == 404
    assert [i["id"] for i in api.get("/contacts", "sv").get_json()["items"]] == [kept["id"]]
    assert "消す応対" not in api.get("/contacts/export.csv", "sv").get_data(as_text=True)
    with database.transaction(write=False) as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"contact.created", "contact.deleted", "contacts.exported"} <= actions


def test_csv_export_opens_in_excel_and_defuses_formulas(api):
    api.post("/contacts", "op", contact(question='=HYPERLINK("http://example.com")', answer='-1+1 と "引用"'))
    api.post("/contacts", "op", contact(question="@SUM(A1)", answer="+αの手続も案内"))
    response = api.get("/contacts/export.csv", "admin")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode("utf-8")) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["応対番号", "開始日時", "終了日時"]
    questions = {row[8] for row in rows[1:]}
    answers = {row[9] for row in rows[1:]}
    assert questions == {"'=HYPERLINK(\"http://example.com\")", "'@SUM(A1)"}
    assert answers == {"'-1+1 と \"引用\"", "'+αの手続も案内"}
    assert {row[4] for row in rows[1:]} == {"電話"}
    assert api.get("/contacts/export.csv", "op").status_code == 403


def test_department_staff_never_see_the_centres_records(api, database, tokens):
    add_staff(database, tokens)
    record = api.post("/contacts", "op", handover()).get_json()
    assert api.get(f"/contacts/{record['id']}", "kourei_naka").status_code == 404
    assert api.get("/contacts", "kourei_naka").status_code == 403
    assert api.get(f"/contacts/{record['id']}", "counter_naka").status_code == 403
    assert "callback_name" not in str(api.get(f"/contacts/{record['id']}", "sv").get_json())


def test_a_case_shows_the_contacts_linked_to_it(api):
    from tests.api_support import reservation
    case = api.post("/cases", "op", reservation()).get_json()
    linked = api.post("/contacts", "op", contact(outcome="booked", case_id=case["id"])).get_json()
    api.post("/contacts", "op", contact())
    listed = api.get(f"/cases/{case['id']}/contacts", "sv").get_json()
    assert [i["id"] for i in listed["items"]] == [linked["id"]]
    unknown = api.post("/contacts", "op", contact(case_id=999999))
    assert unknown.status_code == 400 and fields(unknown) == {"case_id"}


def test_the_case_screen_lists_its_contacts_for_the_call_centre_only(api, api_app):
    from tests.api_support import reservation
    from tests.web_support import login
    case = api.post("/cases", "op", reservation()).get_json()
    linked = api.post("/contacts", "op", contact(outcome="booked", case_id=case["id"])).get_json()
    api.post("/contacts", "op", contact())
    api.tokens["sv"], api.tokens["counter_naka"]           # the accounts, created on first use
    supervisor, counter = api_app.test_client(), api_app.test_client()
    login(supervisor, "sv")
    login(counter, "counter_naka")
    page = supervisor.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert "この案件の応対履歴（1件）" in page and f"/callcentre/contacts/{linked['id']}" in page
    assert "予約受付" in page and "おくやみコーナーの予約に必要なもの" in page
    counter_page = counter.get(f"/cases/{case['id']}")
    assert counter_page.status_code == 200 and "応対履歴" not in counter_page.get_data(as_text=True)


def test_a_contact_answered_from_an_faq_item_counts_as_a_use_of_that_item(api, database):
    from processes.faq.models import FaqItem
    from tests.faq_support import add_item, make_tree
    with database.transaction() as session:
        item = add_item(session, make_tree(session)["年金・保険"], "遺族年金の請求はどこでできますか。")
        item_id, number, before = item.id, item.number, item.use_count
    response = api.post("/contacts", "op", contact(faq_ids=[item_id, f"FAQ-{number:06d}"]))
    assert response.status_code == 201, response.get_json()
    with database.transaction(write=False) as session:
        assert session.get(FaqItem, item_id).use_count == before + 2
