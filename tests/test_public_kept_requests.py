"""A request the public side took but the staff side could not take is shown to the supervisor: the list (why,
when), its content (the read audited), and 対応済み with what was done (the content is then deleted)."""
from __future__ import annotations

import json

from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.db.types import utcnow
from processes.public.models import PublicRequest
from tests.page_support import page_csrf, text_of


def test_the_supervisor_reads_and_settles_a_kept_request(api_app, browsers, database):
    with database.transaction() as session:
        row = PublicRequest(number="R-ABCD-EFGH", kind="booking", state="kept", received_at=utcnow(),
                            problem="予約の申込み内容に誤りがあります: date_of_death: 亡くなられた日が予約日より後です。",
                            payload=json.dumps({"deceased": {"name": "川崎 太郎"}, "contact_preference": "phone"},
                                               ensure_ascii=False).encode())
        session.add(row)
    sv = browsers["sv"]
    listed = text_of(sv.get("/callcentre/public-requests"))
    assert "R-ABCD-EFGH" in listed and "予約の申込み" in listed and "川崎 太郎" not in listed
    shown = text_of(sv.get(f"/callcentre/public-requests/{row.id}"))
    assert "川崎 太郎" in shown and "亡くなられた方" in shown and "亡くなられた日が予約日より後です" in shown
    with database.transaction(write=False) as session:
        assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "public_request.viewed"))
    token = page_csrf(sv, f"/callcentre/public-requests/{row.id}")
    refused = sv.post(f"/callcentre/public-requests/{row.id}/settle", data={"csrf_token": token, "note": " "},
                      follow_redirects=True)
    assert "どのように対応したかを記入してください" in text_of(refused)
    done = sv.post(f"/callcentre/public-requests/{row.id}/settle",
                   data={"csrf_token": token, "note": "ご家族に電話して予約を受け付けた"}, follow_redirects=True)
    assert "R-ABCD-EFGH を対応済みにしました" in text_of(done)
    assert "確認を待っている申込みはありません" in text_of(sv.get("/callcentre/public-requests"))
    with database.transaction(write=False) as session:
        settled = session.get(PublicRequest, row.id)
        assert settled.state == "settled" and settled.payload is None
    assert sv.get(f"/callcentre/public-requests/{row.id}").status_code == 404
    assert browsers["op"].get("/callcentre/public-requests").status_code == 403
