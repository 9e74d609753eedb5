"""The web inquiry form: /inquiry answers 202 with the inquiry number and keeps only ciphertext; after a pull the
question is a contact record of channel web_form (GET /api/v1/contacts?channel=web_form) whose callback waits in the
operators' worklist, and the answer goes back by e-mail through the outbox."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from processes.notifications.models import OutboxMessage
from processes.public.export import export
from processes.public.models import PublicRequest
from processes.public.pull import FolderSource, pull
from tests.case_support import NOW
from web.public import limits
from web.public.app import create_public_app

QUESTION = "葬祭費の申請に必要な書類を教えてください。"


@pytest.fixture
def sides(api_app, database, tmp_path):
    limits.reset()
    out = tmp_path / "public-data"
    with database.transaction() as session:
        export(session, out, NOW.date())
    return {"out": out, "public": create_public_app(out).test_client(), "platform": api_app.extensions["okuyami"]}


def test_an_inquiry_becomes_a_web_form_contact_and_is_answered_by_email(sides, api, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    assert "お問い合わせの内容" in public.get("/inquiry").get_data(as_text=True)
    sent = public.post("/inquiry", json={"question": QUESTION, "reply_email": "taro@example.jp",
                                         "reply_channel": "email"})
    assert sent.status_code == 202
    number = sent.get_json()["inquiry_number"]
    [sealed] = (out / "inbox" / "inquiry").glob("*.sealed")
    assert sealed.stem == number and b"taro" not in sealed.read_bytes() and "葬祭費".encode() not in sealed.read_bytes()

    assert pull(database, platform, FolderSource(out)).inquiry == 1
    listed = api.get("/contacts?channel=web_form", "op").get_json()
    [contact] = listed["items"]
    assert contact["question"] == QUESTION and contact["channel"] == "web_form"
    [task] = [t for t in platform.runtime.list_tasks(role="operator") if t.spec_name == "centre_callback"]
    done = api.post(f"/tasks/{task.id}/complete", "op", json={
        "called_at": NOW.isoformat(), "result": "answered",
        "callback_answer": "葬祭費は会葬礼状などの喪主がわかる書類をお持ちください。"})
    assert done.status_code == 200, done.get_json()
    with database.transaction(write=False) as session:
        [mail] = session.scalars(select(OutboxMessage))
        request = session.scalars(select(PublicRequest)).one()
        assert mail.recipient.decode() == "taro@example.jp" and "会葬礼状" in mail.body.decode()
        assert request.state == "settled" and b"taro" not in request.payload    # the address is not kept


def test_the_form_explains_mistakes_in_japanese(sides):
    public = sides["public"]
    empty = public.post("/inquiry", json={"question": " ", "reply_channel": "email"})
    assert empty.status_code == 400
    assert empty.get_json()["errors"] == ["お問い合わせの内容を入力してください。",
                                          "メールでの回答をご希望の場合は、メールアドレスを入力してください。"]
    form = public.post("/inquiry", data={"question": QUESTION, "reply_channel": "phone", "reply_phone": "abc"})
    assert form.status_code == 400 and "電話番号を数字とハイフンで" in form.get_data(as_text=True)
    assert QUESTION in form.get_data(as_text=True)
    too_long = public.post("/inquiry", json={"question": "あ" * 2001})
    assert too_long.status_code == 400 and "2000文字以内" in too_long.get_json()["errors"][0]
