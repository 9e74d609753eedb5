"""Task forms as staff fill them in: rendered from forms/tasks/<form>.json and its UI hints as accessible HTML,
what the case already holds shown and never asked again, validated on the server with Japanese messages beside
each field, completed in one transaction, a stale completion explained."""
import re

from sqlalchemy import text

from processes.okuyami.cases import start_case
from tests.api_support import VISIT, reservation
from tests.page_support import new_case, page_csrf, text_of


def _task(app, case_id, name, department=None):
    runtime = app.extensions["okuyami"].runtime
    return next(t for t in runtime.list_tasks(instance_id=case_id)
                if t.spec_name == name and (department is None or t.department == department))


def _submit(client, task_id, fields, action="complete"):
    path = f"/tasks/{task_id}/form"
    return client.post(path, data={"csrf_token": page_csrf(client, path), "action": action, **fields})


def _person(prefix, person):
    return {f"{prefix}.{key}": value for key, value in person.items()}


def _booking_fields(**changes):
    body = reservation(**changes)
    fields = {"ward": body["ward"], "slot_start": VISIT.strftime("%Y-%m-%dT%H:%M"),
              "date_of_death": body["date_of_death"], "death_registered_on": body["death_registered_on"],
              "death_registered_municipality": body["death_registered_municipality"],
              "relationship": body["relationship"], "representative_heir": "true",
              **_person("deceased", body["deceased"]), **_person("applicant", body["applicant"])}
    return fields


def test_the_precheck_form_shows_the_departments_assignment_and_asks_only_for_decisions(api_app, browsers):
    case_id = new_case(api_app, answers={"medical_costs_last_2y": "unknown"})
    task = _task(api_app, case_id, "precheck", "hoken_nenkin")
    page = text_of(browsers["hoken_naka"].get(f"/tasks/{task.id}/form"))
    assert "<h1>事前確認</h1>" in page and "保険年金課" in page
    assert "（国保・後期）高額療養費の請求" in page and "HN03" in page        # the assignment, read-only
    assert "川崎 太郎" in page and "カワサキ タロウ" in page and "川崎 花子" in page   # whom they are checking
    assert "044-200-0000" not in page                                         # but not how to call the family
    assert 'name="precheck_result.decisions.0.action"' in page
    assert 'name="precheck_result.decisions.0.id"' not in page               # the procedure is known, not asked
    assert re.search(r'<label for="f-precheck_result-decisions-0-action">確認結果', page)
    assigned = len(api_app.extensions["okuyami"].runtime.task_data(task.id)["assignment"]["procedures"])
    assert "手続の追加" in page and f'name="precheck_result.decisions.{assigned}.id"' in page   # rows to add


def test_invalid_input_is_explained_beside_each_field_in_japanese(api_app, browsers, database):
    case_id = new_case(api_app, answers={"medical_costs_last_2y": "unknown"})
    task = _task(api_app, case_id, "precheck", "hoken_nenkin")
    assignment = [p["id"] for p in api_app.extensions["okuyami"].runtime.task_data(task.id)["assignment"]["procedures"]]
    drop_index = assignment.index("HN03")
    response = _submit(browsers["hoken_naka"], task.id, {f"precheck_result.decisions.{drop_index}.action": "drop"})
    page = text_of(response)
    assert response.status_code == 422
    assert "入力内容に誤りがあります（1件）" in page and "不要とする理由を入力してください" in page
    field_id = f"f-precheck_result-decisions-{drop_index}-reason"
    assert f'href="#{field_id}"' in page                                    # the summary links to the field
    textarea = re.search(rf'<textarea id="{field_id}"[^>]*>', page).group(0)
    assert f'aria-describedby="{field_id}-error"' in textarea and 'aria-invalid="true"' in textarea
    assert re.search(r'<option value="drop" selected>', page)              # what was entered is kept
    unresolved = _submit(browsers["hoken_naka"], task.id, {})
    assert unresolved.status_code == 422 and "HN03" in text_of(unresolved) and "要確認" in text_of(unresolved)
    with database.transaction(write=False) as session:
        assert session.execute(text("SELECT state FROM human_tasks WHERE id = :i"), {"i": task.id}).scalar() == "READY"


def test_a_valid_precheck_completes_the_task_and_returns_to_the_worklist(api_app, browsers):
    case_id = new_case(api_app, answers={"medical_costs_last_2y": "unknown"})
    task = _task(api_app, case_id, "precheck", "hoken_nenkin")
    procedures = api_app.extensions["okuyami"].runtime.task_data(task.id)["assignment"]["procedures"]
    index = [p["id"] for p in procedures].index("HN03")
    response = _submit(browsers["hoken_naka"], task.id, {f"precheck_result.decisions.{index}.action": "drop",
                                                          f"precheck_result.decisions.{index}.reason": "支払いなし",
                                                          "precheck_result.documents_prepared": "true"})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    assert "を完了しました" in text_of(browsers["hoken_naka"].get("/tasks"))
    closed = text_of(browsers["hoken_naka"].get(f"/tasks/{task.id}/form"))
    assert "このタスクは" in closed and "hoken_naka さんが完了しました" in closed


def test_a_stale_completion_gets_a_clear_japanese_message(api_app, browsers, api):
    case_id = new_case(api_app, "walk_in", actor="counter_naka")
    task = _task(api_app, case_id, "visit")
    assert api.post(f"/cases/{case_id}/check-in", "counter_naka").status_code == 200    # a walk-in: today, 10:00
    fields = {"checked_in_at": "2026-11-24T10:00", "checked_out_at": "2026-11-24T10:00", "followup_requested": "false"}
    client = browsers["counter_naka"]
    token = page_csrf(client, f"/tasks/{task.id}/form")                     # the form is open in the browser …
    assert _submit(browsers["sv"], task.id, fields).status_code == 302         # … when someone else completes it
    stale = client.post(f"/tasks/{task.id}/form", data={"csrf_token": token, "action": "complete", **fields})
    assert stale.status_code == 409 and "すでに完了しているか、取り消されています" in text_of(stale)


def test_the_booking_form_is_prefilled_from_the_case_and_completes_it(api_app, browsers):
    case = start_case(api_app.extensions["okuyami"].runtime, "booking", "op", ward="nakahara")
    task = _task(api_app, case.id, "booking")
    operator = browsers["op"]
    page = text_of(operator.get(f"/tasks/{task.id}/form"))
    assert '<option value="nakahara" selected>中原区</option>' in page     # the ward the call already gave
    assert "電話予約" in page and 'name="answers' not in page
    assert re.search(r'<label for="f-deceased-kana">フリガナ<span class="required-mark"', page)
    assert 'aria-describedby="f-deceased-kana-help"' in page
    bad = _submit(operator, task.id, _booking_fields(deceased={**reservation()["deceased"], "kana": "川崎"}))
    assert bad.status_code == 422 and "フリガナは全角カタカナで入力してください" in text_of(bad)
    assert _submit(operator, task.id, _booking_fields()).status_code == 302
    tasks = api_app.extensions["okuyami"].runtime.list_tasks(instance_id=case.id)
    assert {t.spec_name for t in tasks} == {"precheck"}


def test_a_walk_in_keeps_the_counters_ward_whatever_is_posted(api_app, browsers):
    case = start_case(api_app.extensions["okuyami"].runtime, "walk_in", "counter_naka", ward="nakahara")
    task = _task(api_app, case.id, "walkin_intake")
    page = text_of(browsers["counter_naka"].get(f"/tasks/{task.id}/form"))
    assert "中原区" in page and 'name="ward"' not in page and "（変更できません）" in page
    fields = _booking_fields()
    fields.pop("slot_start")
    assert _submit(browsers["counter_naka"], task.id, {**fields, "ward": "tama"}).status_code == 302
    data = api_app.extensions["okuyami"].runtime.instance_data(case.id)
    assert data["ward"] == "nakahara"


def test_the_visit_form_shows_the_precheck_results_read_only(api_app, browsers, api):
    case_id = new_case(api_app, answers={"medical_costs_last_2y": "unknown"})
    for task in [t for t in api_app.extensions["okuyami"].runtime.list_tasks(instance_id=case_id)]:
        decisions = [{"id": "HN03", "action": "drop", "reason": "支払いなし"}] if task.department == "hoken_nenkin" else []
        assert api.post(f"/tasks/{task.id}/complete", "sv", {"precheck_result": {"decisions": decisions}}).status_code == 200
    visit = _task(api_app, case_id, "visit")
    page = text_of(browsers["counter_naka"].get(f"/tasks/{visit.id}/form"))
    results = page.split("事前確認の結果")[1].split("</table>")[0]
    assert "HN03" in results and "不要" in results and "支払いなし" in results and "確認なし（抽出のまま）" in results
    outcome_rows = re.findall(r'name="outcomes\.(\d+)\.outcome"', page)
    assert outcome_rows and "HN03" not in page.split("<form")[1].split("</form>")[0]   # a dropped one is not asked
    with api_app.extensions["okuyami"].database.transaction(write=False) as session:
        audited = session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' "
                                       "AND actor = 'counter_naka'")).scalar()
    assert audited == 1                                                   # the case's personal data was read


def test_a_form_of_another_ward_is_not_found_and_needs_a_worklist_role(api_app, browsers):
    case_id = new_case(api_app, ward="tama")
    task = _task(api_app, case_id, "precheck", "kumin")
    assert browsers["kumin_naka"].get(f"/tasks/{task.id}/form").status_code == 404
    assert browsers["kumin_tama"].get(f"/tasks/{task.id}/form").status_code == 200
    assert browsers["auditor"].get(f"/tasks/{task.id}/form").status_code == 403


def test_the_followup_call_shows_whom_to_call_and_why(api_app, browsers, api):
    case_id = new_case(api_app, "walk_in", actor="counter_naka")
    visit = _task(api_app, case_id, "visit")
    assert api.post(f"/cases/{case_id}/check-in", "counter_naka").status_code == 200
    assert api.post(f"/tasks/{visit.id}/complete", "counter_naka", {
        "checked_in_at": "2026-11-24T10:00:00+09:00", "checked_out_at": "2026-11-24T10:00:00+09:00",
        "outcomes": [{"id": "JU03", "outcome": "guided", "note": "区民課へ"}], "followup_requested": True,
        "followup_reason": "年金の窓口を再確認"}).status_code == 200
    followup = _task(api_app, case_id, "followup_call")
    page = text_of(browsers["counter_naka"].get(f"/tasks/{followup.id}/form"))
    assert "044-200-0000" in page and "年金の窓口を再確認" in page and "担当窓口へ案内" in page
    assert 'type="radio" name="result" value="no_answer"' in page and "不在（再度連絡）" in page
    missing = _submit(browsers["counter_naka"], followup.id, {"note": "留守電"})
    assert missing.status_code == 422 and "入力内容に誤りがあります（2件）" in text_of(missing)
    for field in ("called_at", "result"):                                  # each message beside its field
        assert re.search(rf'<p class="field-error" id="f-{field}-error">.*必須項目です。', text_of(missing))
    assert _submit(browsers["counter_naka"], followup.id, {"called_at": "2026-11-25T10:00", "result": "resolved"}
                   ).status_code == 302


def test_an_empty_required_group_names_each_of_its_fields(api_app, browsers):
    case = start_case(api_app.extensions["okuyami"].runtime, "booking", "op", ward="nakahara")
    task = _task(api_app, case.id, "booking")
    page = text_of(_submit(browsers["op"], task.id, {}))
    for field in ("deceased-name", "deceased-kana", "applicant-phone", "relationship", "representative_heir"):
        assert f'id="f-{field}-error"' in page, field
    assert 'id="f-funeral_host-name-error"' not in page                   # an optional group left empty is fine
