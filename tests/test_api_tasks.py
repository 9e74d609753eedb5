"""Tasks through the JSON API: filters, a task's form and data, claim, completion validated against the form,
and a stale completion answered with 409."""
from datetime import timedelta

from tests.api_support import VISIT, fields, reservation, walk_in
from tests.case_support import NOW


def _prechecks(api, user="sv", query=""):
    return api.get(f"/tasks?{query}", user).get_json()["tasks"]


def test_filters_narrow_the_supervisors_list(api):
    booked = api.post("/cases", "op", reservation()).get_json()
    api.post("/cases", "op", reservation(ward="tama", slot_start=VISIT.isoformat()))
    everything = _prechecks(api)
    assert {t["ward"] for t in everything} == {"nakahara", "tama"}
    assert {t["ward"] for t in _prechecks(api, query="ward=tama")} == {"tama"}
    kumin = _prechecks(api, query="ward=nakahara&department=kumin")
    assert [(t["instance_id"], t["department"]) for t in kumin] == [(booked["id"], "kumin")]
    assert {t["role"] for t in _prechecks(api, query="role=dept_staff")} == {"dept_staff"}
    assert _prechecks(api, query="role=counter") == []
    assert _prechecks(api, query="due_before=2026-12-02") == []          # all due 2026-12-02 17:00
    assert len(_prechecks(api, query="due_before=2026-12-03")) == len(everything)
    assert _prechecks(api, query="assignee=me") == []
    api.post(f"/tasks/{kumin[0]['id']}/claim", "sv")
    assert [t["id"] for t in _prechecks(api, query="assignee=me")] == [kumin[0]["id"]]
    assert [t["name"] for t in _prechecks(api, query="state=COMPLETED")] == ["booking", "booking"]


def test_a_scoped_role_cannot_widen_its_scope_with_a_filter(api):
    api.post("/cases", "op", reservation(ward="tama"))
    assert _prechecks(api, "kumin_naka", "ward=tama") == []
    assert _prechecks(api, "counter_naka", "ward=tama") == []


def test_the_list_comes_in_pages_in_due_order(api):
    for days in (5, 1, 3):
        api.post("/cases", "op", reservation(slot_start=(VISIT + timedelta(days=days)).isoformat()))
    everything = _prechecks(api, query="role=dept_staff")
    dues = [t["due_at"] for t in everything]
    assert dues == sorted(dues) and len(everything) > 4
    first = api.get("/tasks?role=dept_staff&limit=2", "sv").get_json()
    assert [t["id"] for t in first["tasks"]] == [t["id"] for t in everything[:2]]
    assert (first["limit"], first["offset"]) == (2, 0)
    second = _prechecks(api, query="role=dept_staff&limit=2&offset=2")
    assert [t["id"] for t in second] == [t["id"] for t in everything[2:4]]
    assert _prechecks(api, query=f"role=dept_staff&offset={len(everything)}") == []
    assert all(t["form"] for t in everything)           # a list row names its task's form as before


def test_a_page_size_or_offset_out_of_range_is_400_saying_what_is_allowed(api):
    for query in ("limit=0", "limit=501", "limit=ten", "offset=-1", "offset=1000001"):
        response = api.get(f"/tasks?{query}", "sv")
        assert response.status_code == 400, query
        [error] = response.get_json()["errors"]
        assert error["field"] == query.split("=")[0] and "までの整数で指定してください" in error["message"]


def test_bad_filters_are_400_naming_each(api):
    response = api.get("/tasks?ward=osaka&state=DONE&assignee=someone&due_before=soon&department=x&role=y", "sv")
    assert response.status_code == 400
    assert fields(response) == {"ward", "state", "assignee", "due_before", "department", "role"}


def test_bad_filters_and_a_bad_page_are_named_together(api):
    response = api.get("/tasks?ward=osaka&limit=0&offset=x", "sv")
    assert response.status_code == 400
    assert fields(response) == {"ward", "limit", "offset"}


def test_a_task_shows_its_form_and_a_precheck_only_its_assignment(api):
    case = api.post("/cases", "op", reservation()).get_json()
    kumin = next(t for t in case["tasks"] if t["department"] == "kumin")
    detail = api.get(f"/tasks/{kumin['id']}", "kumin_naka").get_json()
    assert detail["form_schema"]["required"] == ["precheck_result"]
    assert sorted(detail["data"]) == ["applicant", "assignment", "date_of_death", "deceased", "relationship"]
    assert {p["department"] for p in detail["data"]["assignment"]["procedures"]} == {"kumin"}
    assert detail["data"]["deceased"] == {"name": "川崎 太郎", "kana": "カワサキ タロウ", "birth_date": "1940-05-05",
                                          "address": "川崎市中原区小杉町3-245"}
    assert detail["data"]["applicant"] == {"name": "川崎 花子"} and detail["data"]["relationship"] == "長女"
    assert "044-200-0000" not in str(detail["data"]) and "answers" not in detail["data"]


def test_completion_is_validated_against_the_form_naming_each_field(api):
    case = api.post("/cases", "counter_naka", walk_in()).get_json()
    [visit] = case["tasks"]
    response = api.post(f"/tasks/{visit['id']}/complete", "counter_naka", {
        "checked_in_at": VISIT.isoformat(), "outcomes": [{"id": "JU03", "outcome": "somewhere"}],
        "followup_requested": "no"})
    assert response.status_code == 422
    assert fields(response) == {"checked_out_at", "outcomes.0.outcome", "followup_requested"}
    assert all(e["message"] for e in response.get_json()["errors"])
    assert api.post(f"/tasks/{visit['id']}/complete", "counter_naka", ["x"]).status_code == 400


def test_a_stale_completion_is_409(api):
    case = api.post("/cases", "counter_naka", walk_in()).get_json()
    [visit] = case["tasks"]
    assert api.post(f"/cases/{case['id']}/check-in", "counter_naka").status_code == 200     # a walk-in: today
    data = {"checked_in_at": NOW.isoformat(), "checked_out_at": NOW.isoformat(), "outcomes": [],
            "followup_requested": False}
    assert api.post(f"/tasks/{visit['id']}/complete", "counter_naka", data).status_code == 200
    stale = api.post(f"/tasks/{visit['id']}/complete", "counter_naka", data)
    assert stale.status_code == 409 and stale.get_json()["error"]["message"]


def test_a_task_claimed_by_someone_else_is_409(api):
    case = api.post("/cases", "op", reservation()).get_json()
    kumin = next(t for t in case["tasks"] if t["department"] == "kumin")
    assert api.post(f"/tasks/{kumin['id']}/claim", "sv").status_code == 200
    assert api.post(f"/tasks/{kumin['id']}/claim", "kumin_naka").status_code == 409
    complete = api.post(f"/tasks/{kumin['id']}/complete", "kumin_naka", {"precheck_result": {"decisions": []}})
    assert complete.status_code == 409


def test_a_booking_task_completed_through_the_task_api_obeys_the_reservation_rules(api, api_app, database):
    from sqlalchemy import text

    from processes.okuyami.cases import start_case

    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    [task] = api.get("/tasks", "op").get_json()["tasks"]
    assert task["name"] == "booking" and task["instance_id"] == case.id
    detail = api.get(f"/tasks/{task['id']}", "op").get_json()
    assert detail["form_schema"]["title"] == "予約受付・問診" and detail["data"] == {"channel": "booking"}
    bad = api.post(f"/tasks/{task['id']}/complete", "op", reservation(death_registered_on="2026-11-01"))
    assert bad.status_code == 422 and fields(bad) == {"death_registered_on"}
    assert api.post(f"/tasks/{task['id']}/complete", "op", reservation()).status_code == 200
    assert {t["name"] for t in api.get(f"/cases/{case.id}", "op").get_json()["tasks"]} == {"precheck"}
    with database.transaction(write=False) as session:
        viewed = session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'case.viewed' "
                                      "AND actor = 'op' AND instance_id = :i"), {"i": case.id}).scalar()
    assert viewed == 2          # the task with the case's data, then the case


def test_a_booking_task_through_the_task_api_takes_wareki_dates_and_half_width_kana(api, api_app):
    from processes.okuyami.cases import start_case

    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    [task] = api.get("/tasks", "op").get_json()["tasks"]
    body = reservation()
    body["deceased"] = {**body["deceased"], "birth_date": "S15.5.5", "kana": "ｶﾜｻｷ ﾀﾛｳ"}
    body["applicant"] = {**body["applicant"], "birth_date": "昭和43年2月3日", "kana": "かわさき はなこ"}
    done = api.post(f"/tasks/{task['id']}/complete", "op", body)
    assert done.status_code == 200, done.get_json()
    data = api.get(f"/cases/{case.id}", "op").get_json()["personal_data"]
    assert (data["deceased"]["birth_date"], data["deceased"]["kana"]) == ("1940-05-05", "カワサキ タロウ")
    assert (data["applicant"]["birth_date"], data["applicant"]["kana"]) == ("1968-02-03", "カワサキ ハナコ")


def test_a_booking_task_names_an_unreadable_wareki_date_with_the_eras_range(api, api_app):
    from processes.okuyami.cases import start_case

    start_case(api_app.extensions["okuyami"].runtime, "booking", "op", ward="nakahara")
    [task] = api.get("/tasks", "op").get_json()["tasks"]
    body = reservation()
    body["deceased"] = {**body["deceased"], "birth_date": "昭和65年1月1日"}
    refused = api.post(f"/tasks/{task['id']}/complete", "op", body)
    assert refused.status_code == 422 and "deceased.birth_date" in fields(refused)


def test_a_precheck_must_resolve_every_procedure_to_confirm(api):
    case = api.post("/cases", "op", reservation(answers={"medical_costs_last_2y": "unknown"})).get_json()
    nenkin = next(t for t in case["tasks"] if t["department"] == "hoken_nenkin")
    assignment = api.get(f"/tasks/{nenkin['id']}", "hoken_naka").get_json()["data"]["assignment"]
    assert [p["id"] for p in assignment["procedures"] if p["needs_confirmation"]] == ["HN03"]

    def complete(decisions):
        return api.post(f"/tasks/{nenkin['id']}/complete", "hoken_naka", {"precheck_result": {"decisions": decisions}})

    unresolved = complete([])
    assert unresolved.status_code == 422 and "HN03" in str(unresolved.get_json()["errors"])
    assert fields(complete([{"id": "HN03", "action": "drop"}])) == {"precheck_result.decisions.0.reason"}
    assert fields(complete([{"id": "HN03", "action": "confirm"}, {"id": "JU03", "action": "add"}])) == {
        "precheck_result.decisions.1.id"}                                   # another department's procedure
    assert complete([{"id": "HN03", "action": "drop", "reason": "医療費の支払いはなかった"}]).status_code == 200


def _kumin_task(api, ward="nakahara"):
    case = api.post("/cases", "op", reservation(ward=ward)).get_json()
    return next(t for t in case["tasks"] if t["department"] == "kumin")


def _audited(database, action):
    from sqlalchemy import select

    from engine.db.models import AuditEntry

    with database.transaction(write=False) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_task_lists_carry_due_at_and_overdue_and_filter_overdue(api, clock):
    kumin = _kumin_task(api)
    listed = _prechecks(api, "kumin_naka")
    assert [(t["id"], t["overdue"]) for t in listed] == [(kumin["id"], False)]
    assert listed[0]["due_at"].startswith("2026-12-02T08:00:00")              # 17:00 JST, in UTC
    assert _prechecks(api, "kumin_naka", "overdue=true") == []
    clock.move_to(VISIT - timedelta(hours=16))
    overdue = _prechecks(api, "kumin_naka", "overdue=true")
    assert [(t["id"], t["overdue"]) for t in overdue] == [(kumin["id"], True)]
    assert _prechecks(api, "kumin_naka", "overdue=false") == []
    assert _prechecks(api, "sv", "overdue=true&state=COMPLETED") == []        # only open tasks are overdue
    assert api.get(f"/tasks/{kumin['id']}", "kumin_naka").get_json()["overdue"] is True
    bad = api.get("/tasks?overdue=maybe", "sv")
    assert bad.status_code == 400 and fields(bad) == {"overdue"}


def test_unclaim_gives_back_only_ones_own_task_and_is_audited(api, database):
    kumin = _kumin_task(api)
    assert api.post(f"/tasks/{kumin['id']}/claim", "kumin_naka").get_json()["assignee"] == "kumin_naka"
    assert api.post(f"/tasks/{kumin['id']}/unclaim", "sv").status_code == 409
    released = api.post(f"/tasks/{kumin['id']}/unclaim", "kumin_naka")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert [row.actor for row in _audited(database, "task.unclaimed")] == ["kumin_naka"]
    assert api.post(f"/tasks/{kumin['id']}/unclaim", "kumin_tama").status_code == 404   # another ward's task


def test_a_supervisor_reassigns_to_a_person_of_the_tasks_role_and_scope(api, database):
    kumin = _kumin_task(api)
    for name in ("kumin_naka", "kumin_tama", "hoken_naka"):
        api.tokens[name]                                                     # the accounts exist
    api.post(f"/tasks/{kumin['id']}/claim", "sv")
    for wrong in ("kumin_tama", "hoken_naka", "op", "nobody", ""):
        refused = api.post(f"/tasks/{kumin['id']}/reassign", "sv", {"assignee": wrong})
        assert refused.status_code == 422 and fields(refused) == {"assignee"}, wrong
    assert api.post(f"/tasks/{kumin['id']}/reassign", "sv", {}).status_code == 422
    assert api.post(f"/tasks/{kumin['id']}/reassign", "sv", ["kumin_naka"]).status_code == 400
    assert api.post(f"/tasks/{kumin['id']}/reassign", "kumin_naka", {"assignee": "kumin_naka"}).status_code == 403
    done = api.post(f"/tasks/{kumin['id']}/reassign", "sv", {"assignee": "kumin_naka"})
    assert done.status_code == 200 and done.get_json()["assignee"] == "kumin_naka"
    assert [t["id"] for t in _prechecks(api, "kumin_naka", "assignee=me")] == [kumin["id"]]
    [entry] = _audited(database, "task.reassigned")
    assert entry.actor == "sv" and entry.detail == {"from": "sv", "to": "kumin_naka"}
    complete = api.post(f"/tasks/{kumin['id']}/complete", "kumin_naka", {"precheck_result": {"decisions": []}})
    assert complete.status_code == 200
    assert api.post(f"/tasks/{kumin['id']}/reassign", "sv", {"assignee": "kumin_naka"}).status_code == 409
