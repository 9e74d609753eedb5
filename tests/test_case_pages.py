"""The case screen (summary, procedures, diagram, history, audit trail), ward scoping, and rebooking and
cancelling a booking from it and through the JSON API."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.registry import ModelSource
from engine.settings import PROJECT_ROOT
from tests.case_support import JST, MOVED_VISIT, VISIT
from tests.page_support import new_case, page_csrf, text_of


def viewed(database, case_id) -> list[str]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(AuditEntry.actor).where(
            AuditEntry.instance_id == case_id, AuditEntry.action == "case.viewed")))


def test_the_case_screen_shows_summary_procedures_and_history_and_audits_the_personal_data_read(
        api_app, browsers, database):
    case_id = new_case(api_app)
    page = browsers["op"].get(f"/cases/{case_id}")
    assert page.status_code == 200
    html = text_of(page)
    assert "川崎 太郎" in html and "令和8年12月3日（木）10:30" in html
    assert "JU03" in html and "世帯主変更" in html
    booking_row = re.search(r"<tr><td>予約受付・問診</td>.*?</tr>", html, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", booking_row)[-1] == "op"   # the booking task, completed by op
    assert html.count("事前確認") >= 3                            # one open pre-check per department
    assert "監査ログ（スーパーバイザー）" not in html
    assert 'data-diagram-url="/cases/%d/diagram.json"' % case_id in html
    assert "<script>" not in html                                 # CSP: no inline script
    assert viewed(database, case_id) == ["op"]


def test_supervisors_see_the_audit_trail(api_app, browsers):
    case_id = new_case(api_app)
    html = text_of(browsers["sv"].get(f"/cases/{case_id}"))
    assert "監査ログ（スーパーバイザー）" in html
    assert "案件の開始" in html and "タスクの完了" in html and "個人情報の閲覧" in html


def test_another_wards_staff_get_not_found_and_departments_see_no_personal_data(api_app, browsers, database):
    case_id = new_case(api_app)
    assert browsers["counter_tama"].get(f"/cases/{case_id}").status_code == 404
    assert browsers["kumin_tama"].get(f"/cases/{case_id}").status_code == 404
    assert browsers["counter_tama"].get(f"/cases/{case_id}/diagram.json").status_code == 404
    assert browsers["op"].get("/cases/999999").status_code == 404
    assert browsers["po"].get(f"/cases/{case_id}").status_code == 403
    html = text_of(browsers["kumin_naka"].get(f"/cases/{case_id}"))
    assert "JU03" in html and "川崎 太郎" not in html and "044-200-0000" not in html
    assert viewed(database, case_id) == []
    assert "川崎 太郎" in text_of(browsers["counter_naka"].get(f"/cases/{case_id}"))


def test_the_diagram_endpoint_gives_the_cases_model_and_the_state_of_each_step(api_app, browsers):
    case_id = new_case(api_app)
    body = browsers["op"].get(f"/cases/{case_id}/diagram.json").get_json()
    assert 'id="okuyami_case"' in body["xml"] and "bpmndi:BPMNDiagram" in body["xml"]
    assert body["states"]["booking"] == "completed"
    assert body["states"]["precheck"] == "active"
    assert body["states"]["precheck_deadline"] == "active"       # the waiting boundary timer
    assert "visit" not in body["states"]
    assert browsers["sv"].post(f"/api/v1/cases/{case_id}/cancel").status_code in (400, 401)  # no cookie API
    cancel = browsers["sv"].post(f"/cases/{case_id}/cancel", data={
        "csrf_token": page_csrf(browsers["sv"], f"/cases/{case_id}/cancel"), "reason": "ご家族の都合"})
    assert cancel.status_code == 302
    states = browsers["op"].get(f"/cases/{case_id}/diagram.json").get_json()["states"]
    assert states["precheck"] == "cancelled" and states["precheck_deadline"] == "cancelled"


def test_a_case_keeps_showing_the_model_version_it_started_on(api_app, browsers, database, case_runtime):
    old_case = new_case(api_app)
    source = PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn"
    renamed = source.read_bytes().replace('name="来庁対応"'.encode(), 'name="来庁対応（第2版）"'.encode())
    with database.transaction() as session:
        case_runtime.registry.deploy(session, [ModelSource(source.name, renamed)], actor="test")
    new = new_case(api_app, slot_start=MOVED_VISIT.isoformat())
    assert "来庁対応（第2版）" not in browsers["op"].get(f"/cases/{old_case}/diagram.json").get_json()["xml"]
    assert "来庁対応（第2版）" in browsers["op"].get(f"/cases/{new}/diagram.json").get_json()["xml"]


def test_rebooking_from_the_case_screen_moves_the_visit_and_the_precheck_deadline(api_app, browsers):
    op = browsers["op"]
    case_id = new_case(api_app)
    form = op.get(f"/cases/{case_id}/move?week=2026-12-07")
    assert form.status_code == 200 and f'value="{MOVED_VISIT.isoformat()}"' in text_of(form)
    done = op.post(f"/cases/{case_id}/move", data={"csrf_token": page_csrf(op, f"/cases/{case_id}/move"),
                                                   "slot_start": MOVED_VISIT.isoformat()})
    assert done.status_code == 302
    html = text_of(op.get(f"/cases/{case_id}"))
    assert "予約日時を変更しました" in html and "令和8年12月8日（火）13:00" in html
    assert "令和8年12月7日（月） 17:00" in html                  # pre-check due one business day before


def test_rebooking_into_a_taken_slot_is_refused_on_the_page(api_app, browsers):
    op = browsers["op"]
    new_case(api_app, slot_start=MOVED_VISIT.isoformat())
    case_id = new_case(api_app)
    late = op.post(f"/cases/{case_id}/move", data={"csrf_token": page_csrf(op, f"/cases/{case_id}/move"),
                                                   "slot_start": MOVED_VISIT.isoformat()})
    assert late.status_code == 409
    assert "この予約枠はすでに埋まっています。" in text_of(late)
    assert "令和8年12月3日（木）10:30" in text_of(op.get(f"/cases/{case_id}"))


def test_cancelling_needs_a_reason_and_ends_the_case(api_app, browsers):
    sv = browsers["sv"]
    case_id = new_case(api_app)
    token = page_csrf(sv, f"/cases/{case_id}/cancel")
    refused = sv.post(f"/cases/{case_id}/cancel", data={"csrf_token": token, "reason": "  "})
    assert refused.status_code == 422 and "取消の理由を入力してください。" in text_of(refused)
    assert sv.post(f"/cases/{case_id}/cancel", data={"csrf_token": token, "reason": "ご家族の都合"}).status_code == 302
    html = text_of(sv.get(f"/cases/{case_id}"))
    assert "取消済み" in html and "予約を取り消す" not in html and "予約日時を変更" not in html
    assert browsers["counter_naka"].get(f"/cases/{case_id}/cancel").status_code == 403


def test_move_and_cancel_through_the_json_api(api_app, api):
    case_id = new_case(api_app)
    assert api.post(f"/cases/{case_id}/move", "counter_naka", json={"slot_start": MOVED_VISIT.isoformat()}).status_code == 403
    assert api.post(f"/cases/{case_id}/move", "op", json={"slot_start": "tomorrow"}).status_code == 422
    moved = api.post(f"/cases/{case_id}/move", "op", json={"slot_start": MOVED_VISIT.isoformat()})
    assert moved.status_code == 200
    assert datetime.fromisoformat(moved.get_json()["summary"]["slot_start"]) == MOVED_VISIT
    back = api.post(f"/cases/{case_id}/move", "sv", json={"slot_start": VISIT.isoformat()})
    assert back.status_code == 200                                # the old slot was freed by the move
    no_reason = api.post(f"/cases/{case_id}/cancel", "op", json={})
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["field"] == "reason"
    assert api.post(f"/cases/{case_id}/cancel", "op", json={"reason": "ご家族の都合"}).status_code == 200
    again = api.post(f"/cases/{case_id}/cancel", "op", json={"reason": "二重"})
    assert again.status_code == 409
    assert api.post("/cases/999999/cancel", "op", json={"reason": "x"}).status_code == 404


def test_a_walk_in_has_no_booking_to_move_or_cancel(api_app, api):
    case_id = new_case(api_app, channel="walk_in", actor="counter_naka")
    response = api.post(f"/cases/{case_id}/move", "op", json={"slot_start": datetime(2026, 12, 8, 9, 0, tzinfo=JST).isoformat()})
    assert response.status_code == 409
