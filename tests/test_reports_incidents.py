"""Incident reports (随時報告, issue #18, 4): drafted through POST /api/v1/incidents or the form, reviewed by a
supervisor as a task of bpmn/incident.bpmn, submitted to the city with its time and notifications to the city's
process owners; GET /api/v1/incidents lists them without their account; the monthly report lists them."""
from __future__ import annotations

from sqlalchemy import select

from engine.db.models import AuditEntry, HumanTask
from processes.notifications.models import Notification
from processes.reports.figures import daily_log, month_period, monthly_results
from processes.reports.models import Incident
from tests.web_support import csrf_token, login

DRAFT = {"kind": "personal_data", "occurred_at": "2026-11-20T10:30", "personal_data": True,
         "what_happened": "案内票を別のご家族に渡しかけた（川崎 花子様の分）", "affected": "ご家族1組",
         "immediate_response": "その場で回収し、ご家族に説明した"}


def _review_task(city, instance_id: int) -> HumanTask:
    with city.database.transaction(write=False) as session:
        return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.state == "READY"))


def test_an_incident_is_drafted_reviewed_submitted_and_listed(report_city):
    api = report_city.api
    wrong = api.post("/incidents", "op", {**DRAFT, "kind": "fire", "occurred_at": "2030-01-01T10:00",
                                          "what_happened": ""})
    assert wrong.status_code == 422
    messages = {e["field"]: e["message"] for e in wrong.get_json()["errors"]}
    assert "種別を選んでください" in messages["kind"] and "未来の日時" in messages["occurred_at"]
    assert messages["what_happened"] == "発生した事象を入力してください。"
    made = api.post("/incidents", "op", DRAFT)
    assert made.status_code == 201, made.get_json()
    incident = made.get_json()
    assert incident["state"] == "review" and incident["kind_label"] == "個人情報の取扱い"
    assert api.post("/incidents", "auditor", DRAFT).status_code == 403
    task = _review_task(report_city, incident["instance_id"])
    assert task.role == "supervisor" and task.form == "incident_review.json"
    shown = api.get(f"/tasks/{task.id}", "sv").get_json()
    assert shown["data"]["assignment"]["what_happened"].startswith("案内票を")
    done = api.post(f"/tasks/{task.id}/complete", "sv", {"decision": "submit", "review_note": "確認した",
                                                           "prevention": "手渡し前に予約番号を読み上げる"})
    assert done.status_code == 200 and done.get_json()["status"] == "completed", done.get_json()
    with report_city.database.transaction(write=False) as session:
        row = session.get(Incident, incident["id"])
        assert row.state == "submitted" and row.submitted_at is not None and row.reviewed_by == "sv"
        assert row.account_fields()["prevention"] == "手渡し前に予約番号を読み上げる"
        told = session.scalars(select(Notification.recipient).where(Notification.kind == "incident_submitted")).all()
        assert {"po", "admin", "owner1", "admin1"} <= set(told) and "sv" not in told
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "incident.submitted"))
        november = monthly_results(session, month_period(2026, 11))["incidents"]
        day = daily_log(session, row.occurred_at.date())["incidents"]
    assert november["total"] >= 1 and november["by_kind"]["personal_data"] >= 1
    [listed] = [i for i in november["items"] if i["number"] == incident["id"]]
    assert listed == {"number": incident["id"], "kind": "personal_data", "occurred_on": "2026-11-20",
                      "personal_data": True, "state": "submitted", "submitted_on": "2026-11-24"}
    assert day["total"] >= 1
    listing = api.get("/incidents", "auditor")
    assert listing.status_code == 200
    assert [i["state"] for i in listing.get_json()["items"] if i["id"] == incident["id"]] == ["submitted"]
    assert "川崎 花子" not in listing.get_data(as_text=True)
    assert api.get("/incidents", "op").status_code == 403


def test_a_withdrawn_incident_and_the_pages(report_city):
    made = report_city.api.post("/incidents", "sv", {**DRAFT, "kind": "system", "personal_data": "no",
                                                     "what_happened": "予約画面が5分間表示されなかった"}).get_json()
    task = _review_task(report_city, made["instance_id"])
    report_city.api.post(f"/tasks/{task.id}/complete", "sv", {"decision": "withdraw", "review_note": "障害ではなかった"})
    report_city.app.config["WTF_CSRF_ENABLED"] = True
    counter = report_city.app.test_client()
    login(counter, "counter_naka")
    form = counter.get("/incidents/new")
    assert form.status_code == 200 and "随時報告（事故・インシデント）の起票" in form.get_data(as_text=True)
    refused = counter.post("/incidents/new", data={"csrf_token": csrf_token(counter, "/incidents/new"), "kind": ""})
    assert refused.status_code == 422 and "種別を選んでください" in refused.get_data(as_text=True)
    sent = counter.post("/incidents/new", data={
        "csrf_token": csrf_token(counter, "/incidents/new"), "kind": "facility", "occurred_at": "2026-11-24T09:15",
        "personal_data": "no", "what_happened": "受付の椅子が壊れた", "affected": "なし", "immediate_response": "交換した"})
    assert sent.status_code == 302 and "を受け付けました" in counter.get("/incidents/new").get_data(as_text=True)
    assert counter.get("/incidents").status_code == 403
    auditor = report_city.app.test_client()
    login(auditor, "auditor")
    listing = auditor.get("/incidents").get_data(as_text=True)
    assert "取下げ" in listing and "設備・窓口の事故" in listing and "受付の椅子" not in listing
    page = auditor.get(f"/incidents/{made['id']}").get_data(as_text=True)
    assert "予約画面が5分間表示されなかった" in page and "障害ではなかった" in page
    with report_city.database.transaction(write=False) as session:
        reads = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "incident.read")).all()
    assert "auditor" in reads
    assert auditor.get("/incidents/999999").status_code == 404
