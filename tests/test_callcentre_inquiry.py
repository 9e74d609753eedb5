"""The inquiry process (bpmn/inquiry.bpmn) walked through: answered at once, handed over to the department and
called back, an overdue callback escalated, not a city matter, a complaint closed with its measures; the callback
details (name, phone) gone from the whole database once the inquiry closes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import inspect, select, text

from engine import crypto
from engine.db.models import AuditEntry
from processes.callcentre.inquiry import INQUIRY_PROCESS
from processes.callcentre.models import ContactCallback
from processes.notifications.models import Notification
from processes.notifications.scheduling import fire_due_timers
from tests.api_support import fields
from tests.callcentre_support import CALLER_NAME, CALLER_PHONE, add_staff, contact, handover
from tests.case_support import JST

CALLBACK_DUE = datetime(2026, 11, 26, 17, 0, tzinfo=JST)      # two business days after Tuesday 24 November
ESCALATION_DUE = datetime(2026, 11, 27, 17, 0, tzinfo=JST)


def tasks_of(api, user: str, **query) -> list[dict]:
    response = api.get("/tasks" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""), user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["tasks"]


def complete(api, user: str, task_id: int, data: dict):
    return api.post(f"/tasks/{task_id}/complete", user, data)


def callback_answer(**changes) -> dict:
    return {"called_at": "2026-11-25T14:00:00+09:00", "result": "answered",
            "callback_answer": "還付額は来月の通知書でお知らせすると説明した。", **changes}


def test_an_answered_question_closes_the_inquiry_at_once(api_app, case_runtime):
    summary = case_runtime.start(INQUIRY_PROCESS, "op", {"outcome": "answered", "contact_id": 1})
    assert summary.status == "completed" and summary.new_tasks == ()


def test_a_question_that_is_not_the_citys_business_closes_at_once_with_the_reason(api):
    response = api.post("/contacts", "op", contact(category="市の業務外（年金事務所・法務局など）",
                                                   question="遺族年金の請求方法を知りたい。", outcome="not_city_matter",
                                                   reason="年金事務所の管轄。川崎年金事務所の電話番号を案内した。"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["completed_in_centre"] is True
    assert body["inquiry"]["state"] == "closed" and "年金事務所" in body["inquiry"]["closed_reason"]
    assert tasks_of(api, "sv") == []
    assert fields(api.post("/contacts", "op", contact(outcome="not_city_matter", answer=""))) == {"reason"}


def test_handed_over_the_department_calls_back_and_the_record_shows_its_answer(api, database, tokens):
    add_staff(database, tokens)                                  # 中原区 高齢・障害課
    add_staff(database, tokens, "kourei_tama", ward="tama")
    record = api.post("/contacts", "op", handover()).get_json()
    assert record["completed_in_centre"] is True and record["inquiry"]["state"] == "open"
    assert record["handover"] == {"department": "kourei_shogai", "ward": "nakahara",
                                  "note": "介護保険料の還付額を知りたいとのこと。"}   # routed by the category
    [task] = tasks_of(api, "kourei_naka")
    assert task["department"] == "kourei_shogai" and task["ward"] == "nakahara"
    assert datetime.fromisoformat(task["due_at"]) == CALLBACK_DUE
    assert tasks_of(api, "kourei_tama") == [] and tasks_of(api, "kumin_naka") == []
    detail = api.get(f"/tasks/{task['id']}", "kourei_naka").get_json()
    assert detail["data"]["assignment"]["question"] == "介護保険料の還付はいくらになるか。"
    assert CALLER_NAME not in str(detail) and CALLER_PHONE not in str(detail)

    callback = api.get(f"/tasks/{task['id']}/callback", "kourei_naka")
    assert callback.get_json() == {"name": CALLER_NAME, "phone": CALLER_PHONE, "best_time": "平日の午後"}
    assert api.get(f"/tasks/{task['id']}/callback", "kourei_tama").status_code == 404
    assert api.get(f"/tasks/{task['id']}/callback", "auditor").status_code == 403

    assert fields(complete(api, "kourei_naka", task["id"], {"result": "answered"})) >= {"called_at", "callback_answer"}
    assert complete(api, "kourei_naka", task["id"], callback_answer()).status_code == 200
    shown = api.get(f"/contacts/{record['id']}", "sv").get_json()
    assert shown["inquiry"]["state"] == "closed" and shown["inquiry"]["answered_by"] == "kourei_naka"
    assert shown["inquiry"]["department_answer"] == "還付額は来月の通知書でお知らせすると説明した。"
    assert api.get(f"/tasks/{task['id']}/callback", "kourei_naka").status_code == 404
    with database.transaction(write=False) as session:
        assert session.scalars(select(ContactCallback)).all() == []
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.index("contact.callback_viewed") < actions.index("inquiry.closed")


def test_the_operator_may_choose_another_department_than_the_routing_table(api):
    record = api.post("/contacts", "op", handover(handover={"department": "kaigo_hoken", "ward": None})).get_json()
    assert record["handover"]["department"] == "kaigo_hoken" and record["handover"]["ward"] is None
    [task] = [t for t in tasks_of(api, "sv") if t["form"] == "inquiry_callback.json"]
    assert task["department"] == "kaigo_hoken" and task["ward"] is None
    city_with_ward = api.post("/contacts", "op", handover(handover={"department": "kaigo_hoken"}))
    assert fields(city_with_ward) == {"handover.ward"}


def _every_cell(database):
    """Every value of every row of every table (SQLite and PostgreSQL alike)."""
    with database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                yield from row


def _readable(value) -> str:
    """A cell as text; encrypted bytes decrypted with the data key (a trace in ciphertext is a trace too)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            raw = crypto.keyring().decrypt(raw)
        except Exception:  # noqa: BLE001 - not ciphertext of ours: look at the bytes as they are
            pass
        return raw.decode("utf-8", "replace") + repr(raw)
    return str(value)


def test_the_callback_details_are_absent_from_a_database_dump_after_the_close(api, database, tokens, backend):
    add_staff(database, tokens)
    record = api.post("/contacts", "op", handover()).get_json()
    digits = CALLER_PHONE.replace("-", "")
    before = " ".join(_readable(cell) for cell in _every_cell(database))
    assert CALLER_NAME in before and CALLER_PHONE in before            # the dump does see the stored details
    [task] = tasks_of(api, "kourei_naka")
    api.get(f"/tasks/{task['id']}/callback", "kourei_naka")
    assert complete(api, "kourei_naka", task["id"], callback_answer()).status_code == 200
    assert api.get(f"/contacts/{record['id']}", "op").get_json()["inquiry"]["state"] == "closed"
    after = " ".join(_readable(cell) for cell in _every_cell(database))
    for trace in (CALLER_NAME, CALLER_PHONE, digits, CALLER_NAME.replace(" ", "")):
        assert trace not in after
    if backend == "sqlite":
        with database.engine.connect() as connection:
            dump = "\n".join(connection.connection.driver_connection.iterdump())
        assert CALLER_NAME not in dump and CALLER_PHONE not in dump


def test_an_overdue_callback_is_notified_then_escalated_to_a_supervisor(api, api_app, database, tokens, clock):
    add_staff(database, tokens)
    tokens["sv"]                                                 # the supervisor exists
    api.post("/contacts", "op", handover())
    [task] = tasks_of(api, "kourei_naka")
    platform = api_app.extensions["okuyami"]
    clock.move_to(CALLBACK_DUE + timedelta(minutes=1))
    assert fire_due_timers(platform) == 1
    assert tasks_of(api, "kourei_naka", overdue="true")[0]["id"] == task["id"]
    with database.transaction(write=False) as session:
        told = {(n.recipient, n.kind) for n in session.scalars(select(Notification))}
    assert {("kourei_naka", "task_overdue"), ("sv", "task_overdue")} <= told
    clock.move_to(ESCALATION_DUE + timedelta(minutes=1))
    assert fire_due_timers(platform) == 1
    review = [t for t in tasks_of(api, "sv") if t["form"] == "escalation.json"]
    assert len(review) == 1
    with database.transaction(write=False) as session:
        assert ("sv", "task_escalated") in {(n.recipient, n.kind) for n in session.scalars(select(Notification))}
    assert complete(api, "kourei_naka", task["id"], callback_answer(result="unreachable")).status_code == 200
    record = api.get("/contacts", "sv").get_json()["items"][0]
    assert record["inquiry"]["state"] == "closed" and record["inquiry"]["department_answer"].startswith("（連絡がつかなかった）")


def test_a_complaint_closes_only_with_its_cause_measures_and_prevention(api):
    body = contact(category="その他", question="予約の電話がつながりにくい。", answer="ご不便をおかけしたことをお詫びした。",
                   outcome="citizen_voice", voice={"kind": "complaint", "intent": "昼休みの時間帯に何度かけてもつながらなかった。",
                                                   "said": "担当に伝えて改善すると伝えた。", "department": "kusei_suishin"})
    record = api.post("/contacts", "op", body).get_json()
    assert record["completed_in_centre"] is True and record["voice"]["kind"] == "complaint"
    [review] = [t for t in tasks_of(api, "sv") if t["form"] == "citizen_voice_review.json"]
    assert tasks_of(api, "op") == []
    refused = complete(api, "sv", review["id"], {"review_note": "区政推進課に報告した。"})
    assert refused.status_code == 422 and fields(refused) == {"cause", "measures", "prevention"}
    done = complete(api, "sv", review["id"], {"review_note": "区政推進課に報告した。", "cause": "昼の時間帯の要員不足",
                                              "measures": "昼休みを交代制にした", "prevention": "時間帯別の応答率を毎週確認する"})
    assert done.status_code == 200
    voice = api.get(f"/contacts/{record['id']}", "auditor").get_json()["voice"]
    assert voice["measures"] == "昼休みを交代制にした" and voice["reviewed_by"] == "sv"
    csv_text = api.get("/contacts/export.csv?outcome=citizen_voice", "sv").get_data(as_text=True)
    assert "苦情" in csv_text and "時間帯別の応答率を毎週確認する" in csv_text


def test_an_opinion_is_reviewed_without_measures(api):
    body = contact(outcome="citizen_voice", voice={"kind": "thanks", "intent": "丁寧に案内してもらえて助かった。"})
    api.post("/contacts", "op", body)
    [review] = [t for t in tasks_of(api, "sv") if t["form"] == "citizen_voice_review.json"]
    assert complete(api, "sv", review["id"], {"review_note": "職員に共有した。"}).status_code == 200
