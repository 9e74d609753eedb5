"""A visit cannot be closed before it happened: check-in only on the visit's day (a walk-in on the day it starts),
check-out only after check-in, closing asks for confirmation first; check-in and check-out are columns of the
case, so the 窓口所要時間 is the real one."""
from __future__ import annotations

from datetime import timedelta

import pytest

from processes.okuyami.visit_records import visit_times
from tests.api_support import fields
from tests.case_support import NOW, VISIT
from tests.page_support import Browsers, new_case, page_csrf, text_of


@pytest.fixture
def staff(api_app, database):
    """Signed-in staff (Flask test clients) by account name."""
    return Browsers(api_app, database)


def open_visit(api_app, case_id: int) -> dict:
    """Every department confirms its procedures, so the booked case waits at the counter."""
    runtime = api_app.extensions["okuyami"].runtime
    for task in runtime.list_tasks(instance_id=case_id, role="dept_staff"):
        decisions = [{"id": p["id"], "action": "confirm"} for p in runtime.task_data(task.id)["assignment"]["procedures"]]
        runtime.complete_task(task.id, {"precheck_result": {"decisions": decisions}}, "kumin_naka")
    [visit] = runtime.list_tasks(instance_id=case_id)
    assert visit.spec_name == "visit"
    return {"task_id": visit.id, "procedures": [p["id"] for p in runtime.instance_data(case_id)["procedures"]]}


def times(api_app, case_id):
    with api_app.extensions["okuyami"].database.transaction(write=False) as session:
        return visit_times(session, case_id)


def test_a_family_cannot_be_checked_in_before_the_day_of_their_visit(api_app, api, staff, clock):
    case_id = new_case(api_app)                              # booked for Thursday Dec 3; today is Tuesday Nov 24
    open_visit(api_app, case_id)
    early = api.post(f"/cases/{case_id}/check-in", "counter_naka")
    assert early.status_code == 409
    assert "来庁日の当日にだけ" in early.get_json()["error"]["message"] and "12月3日（木）" in early.get_json()["error"]["message"]
    page = text_of(staff["counter_naka"].get(f"/cases/{case_id}/visit"))
    assert "来庁日の当日にだけできます" in page and 'action="/cases/%d/visit/check-in"' % case_id not in page
    assert times(api_app, case_id) == (None, None)

    clock.move_to(VISIT - timedelta(minutes=10))             # the family arrives early on the day
    arrived = api.post(f"/cases/{case_id}/check-in", "counter_naka")
    assert arrived.status_code == 200 and arrived.get_json()["checked_in_at"] == "2026-12-03T10:20:00+09:00"
    again = api.post(f"/cases/{case_id}/check-in", "counter_naka")
    assert again.get_json()["checked_in_at"] == "2026-12-03T10:20:00+09:00"      # the first time is kept
    assert times(api_app, case_id)[0] == VISIT - timedelta(minutes=10)


def test_the_day_after_the_visit_the_family_is_not_checked_in_either(api_app, api, clock):
    case_id = new_case(api_app)
    open_visit(api_app, case_id)
    clock.move_to(VISIT + timedelta(days=1))
    late = api.post(f"/cases/{case_id}/check-in", "counter_naka")
    assert late.status_code == 409 and "過ぎています" in late.get_json()["error"]["message"]


def test_only_the_wards_counter_checks_in(api_app, api, clock):
    case_id = new_case(api_app)
    open_visit(api_app, case_id)
    clock.move_to(VISIT)
    assert api.post(f"/cases/{case_id}/check-in", "op").status_code == 403
    assert api.post(f"/cases/{case_id}/check-in", "counter_tama").status_code == 404


def test_completing_the_visit_task_without_a_check_in_is_422_naming_check_in(api_app, api, clock):
    case_id = new_case(api_app)
    visit = open_visit(api_app, case_id)
    clock.move_to(VISIT + timedelta(minutes=80))
    data = {"checked_in_at": VISIT.isoformat(), "checked_out_at": (VISIT + timedelta(minutes=80)).isoformat(),
            "outcomes": [{"id": "JU03", "outcome": "corner"}], "followup_requested": False}
    refused = api.post(f"/tasks/{visit['task_id']}/complete", "counter_naka", data)
    assert refused.status_code == 422 and fields(refused) == {"check_in"}
    assert "受付（チェックイン）" in refused.get_json()["errors"][0]["message"]

    clock.move_to(VISIT + timedelta(minutes=5))
    assert api.post(f"/cases/{case_id}/check-in", "counter_naka").status_code == 200
    clock.move_to(VISIT + timedelta(minutes=80))
    done = api.post(f"/tasks/{visit['task_id']}/complete", "counter_naka", data)
    assert done.status_code == 200, done.get_json()
    checked_in, checked_out = times(api_app, case_id)
    assert (checked_in, checked_out) == (VISIT + timedelta(minutes=5), VISIT + timedelta(minutes=80))
    case = api.get(f"/cases/{case_id}", "counter_naka").get_json()
    assert case["summary"]["checked_in_at"] == (VISIT + timedelta(minutes=5)).isoformat()   # the recorded time wins


def test_a_check_out_before_the_check_in_or_in_the_future_is_refused(api_app, api, clock):
    case_id = new_case(api_app)
    visit = open_visit(api_app, case_id)
    clock.move_to(VISIT)
    api.post(f"/cases/{case_id}/check-in", "counter_naka")
    for checked_out in (VISIT - timedelta(minutes=30), VISIT + timedelta(hours=3)):
        refused = api.post(f"/tasks/{visit['task_id']}/complete", "counter_naka", {
            "checked_in_at": VISIT.isoformat(), "checked_out_at": checked_out.isoformat(), "outcomes": [],
            "followup_requested": False})
        assert refused.status_code == 422 and fields(refused) == {"checked_out_at"}


def test_closing_the_visit_shows_what_will_be_saved_and_saves_only_when_confirmed(api_app, staff, clock):
    counter = staff["counter_naka"]
    case_id = new_case(api_app, channel="walk_in", actor="counter_naka")   # a walk-in: its day is today
    token = page_csrf(counter, f"/cases/{case_id}/visit")
    counter.post(f"/cases/{case_id}/visit/check-in", data={"csrf_token": token})
    for minutes in (25, 47):                 # the screen stays open while the family is guided
        clock.move_to(NOW + timedelta(minutes=minutes))
        counter.get(f"/cases/{case_id}/visit")
    runtime = api_app.extensions["okuyami"].runtime
    ids = [p["id"] for p in runtime.instance_data(case_id)["procedures"]]
    form = {"csrf_token": token, **{f"outcome.{pid}": "corner" for pid in ids}, f"note.{ids[0]}": "原本を返却済み"}
    confirm = counter.post(f"/cases/{case_id}/visit", data=form)
    html = text_of(confirm)
    assert confirm.status_code == 200 and "まだ保存していません" in html
    assert "10:00" in html and "10:47" in html and "47分" in html and "原本を返却済み" in html
    assert [t.spec_name for t in runtime.list_tasks(instance_id=case_id)] == ["visit"]     # nothing saved yet
    assert times(api_app, case_id)[1] is None

    back = counter.post(f"/cases/{case_id}/visit/revise", data=form)
    assert back.status_code == 200 and 'value="原本を返却済み"' in text_of(back)

    done = counter.post(f"/cases/{case_id}/visit", data={**form, "confirmed": "yes"})
    assert done.status_code == 302
    assert times(api_app, case_id) == (NOW, NOW + timedelta(minutes=47))
    assert "窓口所要時間 47分" in text_of(counter.get(f"/cases/{case_id}"))


def test_a_visit_is_not_closed_without_a_check_in(api_app, staff):
    counter = staff["counter_naka"]
    case_id = new_case(api_app, channel="walk_in", actor="counter_naka")
    token = page_csrf(counter, f"/cases/{case_id}/visit")
    runtime = api_app.extensions["okuyami"].runtime
    ids = [p["id"] for p in runtime.instance_data(case_id)["procedures"]]
    refused = counter.post(f"/cases/{case_id}/visit", data={
        "csrf_token": token, "confirmed": "yes", **{f"outcome.{pid}": "corner" for pid in ids}})
    assert refused.status_code == 422 and "受付（チェックイン）がまだです" in text_of(refused)
    assert [t.spec_name for t in runtime.list_tasks(instance_id=case_id)] == ["visit"]
    assert times(api_app, case_id) == (None, None)
