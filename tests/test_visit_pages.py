"""The counter's visit screen: check-in, one outcome per procedure, check-out completing the visit in one
transaction, a follow-up call when asked for, and the family's printable guidance sheet."""
from __future__ import annotations

from datetime import datetime, timedelta

from werkzeug.datastructures import MultiDict

from processes.okuyami.guidance import guidance_sheet
from processes.okuyami.visit import minutes_between
from tests.case_support import JST, NOW
from tests.page_support import new_case, page_csrf, text_of


def walk_in_at_the_counter(api_app) -> int:
    return new_case(api_app, channel="walk_in", actor="counter_naka")


def procedures_of(api_app, case_id) -> list[str]:
    runtime = api_app.extensions["okuyami"].runtime
    return [p["id"] for p in runtime.instance_data(case_id)["procedures"] if p.get("status") != "dropped"]


def outcomes(token, ids, **extra) -> MultiDict:
    return MultiDict([("csrf_token", token), *((f"outcome.{pid}", "guided") for pid in ids), *extra.items()])


def test_the_visit_screen_lists_every_procedure_and_the_print_packet(api_app, browsers):
    case_id = walk_in_at_the_counter(api_app)
    page = browsers["counter_naka"].get(f"/cases/{case_id}/visit")
    assert page.status_code == 200
    html = text_of(page)
    for pid in procedures_of(api_app, case_id):
        assert f'name="outcome.{pid}"' in html
    assert "担当窓口へ案内" in html and "コーナーで完了" in html and "不要" in html
    assert f'hx-post="/cases/{case_id}/packet/request" hx-trigger="load"' in html      # asked for by POST (#13, 6)
    assert f'hx-get="/cases/{case_id}/packet/status" hx-trigger="load delay:1s, every 5s"' in html   # then only read
    assert f'href="/cases/{case_id}/packet.pdf"' in html
    assert "受付（チェックイン）" in html
    assert 'name="outcome.JU01" value="guided" checked' in html        # the catalogue's usual handling, pre-selected


def test_check_in_then_check_out_records_the_time_at_the_counter_and_completes_the_visit(api_app, browsers, clock):
    counter = browsers["counter_naka"]
    case_id = walk_in_at_the_counter(api_app)
    token = page_csrf(counter, f"/cases/{case_id}/visit")
    counter.post(f"/cases/{case_id}/visit/check-in", data={"csrf_token": token})
    for minutes in (20, 40, 60, 65):        # guidance takes a while; the screen stays open (30-minute idle limit)
        clock.move_to(NOW + timedelta(minutes=minutes))
        html = text_of(counter.get(f"/cases/{case_id}/visit"))
    assert "10:00" in html and "1時間5分" in html                    # 窓口所要時間 so far
    ids = procedures_of(api_app, case_id)
    confirm = counter.post(f"/cases/{case_id}/visit", data=outcomes(token, ids, **{f"note.{ids[0]}": "2階へご案内"}))
    assert confirm.status_code == 200 and "この内容で完了する" in text_of(confirm)
    done = counter.post(f"/cases/{case_id}/visit", data=outcomes(token, ids, confirmed="yes",
                                                                 **{f"note.{ids[0]}": "2階へご案内"}))
    assert done.status_code == 302
    data = api_app.extensions["okuyami"].runtime.instance_data(case_id)
    assert datetime.fromisoformat(data["checked_in_at"]) == NOW
    assert datetime.fromisoformat(data["checked_out_at"]) == NOW + timedelta(minutes=65)
    assert {o["id"] for o in data["outcomes"]} == set(ids)
    assert data["outcomes"][0]["note"] == "2階へご案内"
    case_page = text_of(counter.get(f"/cases/{case_id}"))
    assert "来庁対応を完了しました" in case_page and "窓口へ案内" in case_page
    assert "窓口所要時間 1時間5分" in case_page
    assert "受け付けられない段階" in text_of(counter.get(f"/cases/{case_id}/visit"))


def test_a_missing_outcome_or_a_follow_up_without_reason_writes_nothing(api_app, browsers):
    counter = browsers["counter_naka"]
    case_id = walk_in_at_the_counter(api_app)
    token = page_csrf(counter, f"/cases/{case_id}/visit")
    ids = procedures_of(api_app, case_id)
    refused = counter.post(f"/cases/{case_id}/visit", data=outcomes(token, ids[1:], followup_requested="on"))
    assert refused.status_code == 422
    html = text_of(refused)
    assert "結果を選んでください。" in html and "フォローアップの電話で伝える内容・理由を入力してください。" in html
    assert "受付（チェックイン）がまだです" in html
    runtime = api_app.extensions["okuyami"].runtime
    assert [t.spec_name for t in runtime.list_tasks(instance_id=case_id)] == ["visit"]
    assert "checked_in_at" not in runtime.instance_data(case_id)        # not even the check-in


def test_a_requested_follow_up_call_becomes_a_task_of_the_counter(api_app, browsers):
    counter = browsers["counter_naka"]
    case_id = walk_in_at_the_counter(api_app)
    token = page_csrf(counter, f"/cases/{case_id}/visit")
    counter.post(f"/cases/{case_id}/visit/check-in", data={"csrf_token": token})
    data = outcomes(token, procedures_of(api_app, case_id), followup_requested="on",
                    followup_reason="年金の手続先を後日お伝えする", confirmed="yes")
    assert counter.post(f"/cases/{case_id}/visit", data=data).status_code == 302
    [task] = api_app.extensions["okuyami"].runtime.list_tasks(instance_id=case_id)
    assert (task.spec_name, task.role, task.ward) == ("followup_call", "counter", "nakahara")


def test_only_the_wards_counter_runs_the_visit(api_app, browsers):
    case_id = walk_in_at_the_counter(api_app)
    assert browsers["counter_tama"].get(f"/cases/{case_id}/visit").status_code == 404
    assert browsers["counter_tama"].get(f"/cases/{case_id}/guidance").status_code == 404
    assert browsers["op"].get(f"/cases/{case_id}/visit").status_code == 403
    assert browsers["kumin_naka"].get(f"/cases/{case_id}/guidance").status_code == 403


def test_the_guidance_sheet_names_counters_and_items_to_bring_for_printing(api_app, browsers):
    case_id = walk_in_at_the_counter(api_app)
    page = browsers["counter_naka"].get(f"/cases/{case_id}/guidance")
    assert page.status_code == 200
    html = text_of(page)
    assert "おくやみコーナー ご案内票" in html and "川崎 花子 様" in html
    assert "中原区役所 2階 区民課" in html
    assert "本人確認書類" in html
    assert "css/guidance.css" in html


def test_the_guidance_model_leaves_out_dropped_procedures_and_lists_each_item_once():
    data = {"ward": "nakahara", "slot_start": "2026-12-03T10:30:00+09:00",
            "applicant": {"name": "川崎 花子"}, "deceased": {"name": "川崎 太郎"},
            "procedures": [{"id": "JU01"}, {"id": "JU02", "status": "dropped"}, {"id": "JU03"}],
            "outcomes": [{"id": "JU03", "outcome": "corner"}]}
    sheet = guidance_sheet(7, data)
    assert [e.id for e in sheet.entries] == ["JU01", "JU03"]
    assert sheet.entries[1].outcome_note == "おくやみコーナーで手続済み"
    assert sheet.entries[0].counter.startswith("中原区役所")
    assert len(sheet.items_to_bring) == len(set(sheet.items_to_bring)) > 0
    assert sheet.visit_start == datetime(2026, 12, 3, 10, 30, tzinfo=JST)


def test_the_time_at_the_counter_is_whole_minutes():
    start = datetime(2026, 12, 3, 10, 30, tzinfo=JST)
    assert minutes_between(start, start + timedelta(minutes=72, seconds=20)) == 72
    assert minutes_between(None, start) is None
