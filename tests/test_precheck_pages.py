"""The department's pre-check screen as department staff use it: whom they are checking (each view audited), one
row per procedure with 必要／不要 and a reason for 不要, adding one of the department's procedures by name, every
problem listed at once naming its procedure, what a completed pre-check decided, and whose task it is."""
import re

from sqlalchemy import select

from engine.db.models import AuditEntry
from tests.page_support import new_case, page_csrf, text_of

ANSWERS = {"medical_costs_last_2y": "no", "funeral_held": "unknown"}
"""保険年金課: 葬祭費 (HN01) 要確認, 還付請求 (HN02) for certain, 高額療養費 (HN03) not selected."""


def precheck_task(app, case_id, department):
    runtime = app.extensions["okuyami"].runtime
    return next(t for t in runtime.list_tasks(instance_id=case_id) if t.department == department)


def submit(client, task_id, fields):
    path = f"/prechecks/{task_id}"
    return client.post(path, data={"csrf_token": page_csrf(client, path), **fields})


def audit_entries(database, action, case_id):
    with database.transaction(write=False) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                             AuditEntry.instance_id == case_id)))


def test_the_worklist_opens_the_precheck_screen_showing_whom_the_department_checks(api_app, browsers, database):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    worklist = text_of(browsers["hoken_naka"].get("/tasks?tab=group"))
    assert f'href="/prechecks/{task.id}"' in worklist

    page = text_of(browsers["hoken_naka"].get(f"/prechecks/{task.id}"))
    assert "川崎 太郎（カワサキ タロウ）" in page
    assert "昭和15年5月5日（1940年）" in page                      # the deceased's date of birth
    assert "川崎市中原区小杉町3-245" in page                        # the deceased's address
    assert "令和8年11月20日（金）" in page                          # the date of death
    assert "川崎 花子（続柄：長女）" in page                        # the applicant and relationship
    assert "044-200-0000" not in page                               # not the family's phone
    viewed = audit_entries(database, "case.viewed", case_id)
    assert [(e.actor, e.detail["via"], e.detail["personal_data"]) for e in viewed if e.actor == "hoken_naka"] == [
        ("hoken_naka", "precheck", True)]


def test_one_row_per_procedure_and_the_departments_other_procedures_to_add_by_name(api_app, browsers):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    page = text_of(browsers["hoken_naka"].get(f"/prechecks/{task.id}"))
    rows = re.findall(r'<tr id="row-(\w+)"', page)
    assert rows == ["HN01", "HN02"]
    assert 'name="decision.HN02" value="confirm" checked' in page      # selected for certain: 必要 to start with
    assert 'name="decision.HN01" value="confirm">' in page              # 要確認: waits for a choice
    assert 'name="reason.HN01"' in page and "不要とする理由（「不要」のとき必須）" in page
    assert re.search(r'name="add" value="HN03"> （国保・後期）高額療養費の請求', page)   # added by its name
    assert 'name="add" value="JU01"' not in page                       # another department's procedure


def test_every_problem_is_listed_at_once_naming_its_procedure_and_the_input_is_kept(api_app, browsers, database):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    response = submit(browsers["hoken_naka"], task.id, {"decision.HN02": "drop", "note": "国保の資格を確認済み"})
    page = text_of(response)
    assert response.status_code == 422
    assert "確認が終わっていない手続があります（2件）" in page
    assert "HN01（（国保・後期）葬祭費の請求）は要確認です。必要か不要かを確認してください。" in page
    assert "HN02（（国保・後期）還付請求）：不要とする理由を入力してください。" in page
    assert 'name="decision.HN02" value="drop" checked' in page and "国保の資格を確認済み" in page
    assert 'aria-invalid="true" aria-describedby="error-HN02"' in page
    with database.transaction(write=False) as session:
        assert session.get(type(task), task.id).state == "READY"


def test_a_dropped_and_an_added_procedure_reach_the_case_and_the_done_screen_shows_them(api_app, browsers, database):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    response = submit(browsers["hoken_naka"], task.id, {
        "decision.HN01": "drop", "reason.HN01": "葬儀は行っていない", "decision.HN02": "confirm",
        "add": "HN03", "add_reason.HN03": "高額な入院費あり", "documents_prepared": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    runtime = api_app.extensions["okuyami"].runtime
    result = runtime.task_data(task.id)["precheck_result"]
    assert result["decisions"] == [{"id": "HN01", "action": "drop", "reason": "葬儀は行っていない"},
                                   {"id": "HN02", "action": "confirm"},
                                   {"id": "HN03", "action": "add", "reason": "高額な入院費あり"}]
    # the unclaimed task was claimed by the person who completed it, in the same transaction
    assert [e.actor for e in audit_entries(database, "task.claimed", case_id)] == ["hoken_naka"]

    done = text_of(browsers["hoken_naka"].get(f"/prechecks/{task.id}"))
    assert "事前確認の結果" in done and "完了しました" in done
    assert re.search(r"（国保・後期）葬祭費の請求.*?</th>\s*<td>不要</td>\s*<td>葬儀は行っていない</td>", done, re.S)
    assert re.search(r"（国保・後期）高額療養費の請求.*?</th>\s*<td>追加（必要）</td>\s*<td>高額な入院費あり</td>", done, re.S)
    assert "準備済み" in done

    for other in ("kumin", "kourei_shogai"):                          # once every department is done …
        other_task = precheck_task(api_app, case_id, other)
        decisions = [{"id": p["id"], "action": "confirm"} for p in runtime.task_data(other_task.id)["assignment"]["procedures"]]
        runtime.complete_task(other_task.id, {"precheck_result": {"decisions": decisions}}, f"{other}_naka")
    statuses = {p["id"]: p.get("status") for p in runtime.instance_data(case_id)["procedures"]
                if p["department"] == "hoken_nenkin"}
    assert statuses == {"HN01": "dropped", "HN02": "confirmed", "HN03": "confirmed"}   # … the case has the result
    assert "葬儀は行っていない" in text_of(browsers["hoken_naka"].get(f"/prechecks/{task.id}"))


def test_a_task_someone_else_holds_is_refused(api_app, browsers, database):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    api_app.extensions["okuyami"].runtime.claim(task.id, "hoken_naka2")
    page = text_of(browsers["hoken_naka"].get(f"/prechecks/{task.id}"))
    assert "このタスクは他の担当者が引き受けています。" in page
    response = submit(browsers["hoken_naka"], task.id, {"decision.HN01": "confirm", "decision.HN02": "confirm"})
    assert response.status_code == 409
    assert "引き受けを解除してもらうか、スーパーバイザーに再割当を依頼してください。" in text_of(response)
    with database.transaction(write=False) as session:
        row = session.get(type(task), task.id)
        assert (row.state, row.assignee) == ("READY", "hoken_naka2")


def test_a_procedure_of_another_department_cannot_be_added(api_app, browsers):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    response = submit(browsers["hoken_naka"], task.id, {"decision.HN01": "confirm", "decision.HN02": "confirm",
                                                         "add": "JU01"})
    assert response.status_code == 422
    assert "JU01（故人の戸籍謄本、除票の写し等の交付） はこの課で追加できる手続ではありません。" in text_of(response)


def test_another_wards_department_and_other_roles_do_not_get_the_screen(api_app, browsers):
    case_id = new_case(api_app, answers=ANSWERS)
    task = precheck_task(api_app, case_id, "hoken_nenkin")
    assert browsers["kumin_tama"].get(f"/prechecks/{task.id}").status_code == 404
    assert browsers["kumin_naka"].get(f"/prechecks/{task.id}").status_code == 404   # another department's task
    assert browsers["counter_naka"].get(f"/prechecks/{task.id}").status_code == 403
    booking_like = precheck_task(api_app, case_id, "kumin")
    assert browsers["hoken_naka"].get(f"/prechecks/{booking_like.id}").status_code == 404
