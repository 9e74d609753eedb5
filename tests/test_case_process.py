"""The bereavement case (bpmn/okuyami_case.bpmn) walked through every path on the engine: booked with and
without follow-up, walk-in, cancelled, and moved bookings."""
from datetime import datetime, timedelta

import pytest

from engine.errors import TaskConflict
from processes.okuyami.cases import start_case
from tests.case_support import JST, MOVED_VISIT, NOW, VISIT, book, only, precheck_everything, reservation, visit


def test_booked_case_goes_to_every_department_then_the_visit_follow_up_and_survey(case_runtime, clock):
    rt = case_runtime
    case = book(rt)
    prechecks = rt.list_tasks(instance_id=case.id)
    departments = sorted(t.department for t in prechecks)
    assert departments == ["hoken_nenkin", "kourei_shogai", "kumin"]
    assert all(t.role == "dept_staff" and t.ward == "nakahara" for t in prechecks)
    # due 17:00 one business day before the visit, stored on the task
    assert {t.due_at for t in prechecks} == {datetime(2026, 12, 2, 17, 0, tzinfo=JST)}
    data = rt.task_data(prechecks[0].id)
    assert data["reminder_on"] == "2026-12-01"
    by_id = {p["id"]: p for p in data["procedures"]}
    assert {"JU01", "JU02", "JU03", "JU05", "KA01", "KA05", "HN01", "HN02"} <= set(by_id)
    assert "JU04" not in by_id and "KS01" not in by_id

    kumin = next(t for t in prechecks if t.department == "kumin")
    rt.complete_task(kumin.id, {"precheck_result": {"decisions": [
        {"id": "JU02", "action": "drop", "reason": "印鑑登録はされていなかった"},
        {"id": "JU04", "action": "add", "reason": "住基カードの保有を確認"}]}}, "kumin1")
    precheck_everything(rt, case)

    after_visit = visit(rt, case, followup=True, clock=clock)
    data = rt.instance_data(case.id)
    procedures = {p["id"]: p for p in data["procedures"]}
    assert procedures["JU02"]["status"] == "dropped" and procedures["JU04"]["status"] == "confirmed"
    assert "juminido_setainushi_henko" in data["forms_due"]
    assert "inkan_haishi" not in data["forms_due"]
    followup = only(rt, instance_id=case.id)
    assert (followup.spec_name, followup.role) == ("followup_call", "counter")
    assert followup.due_at == datetime(2026, 12, 8, 17, 0, tzinfo=JST)   # 3 business days after the visit
    assert after_visit.new_tasks == (followup.id,)

    rt.complete_task(followup.id, {"called_at": NOW.isoformat(), "result": "resolved"}, "counter1")
    assert rt.get_instance(case.id).status == "running"      # waiting for the survey
    done = rt.message(case.id, "survey_answered", "citizen", {"satisfaction": 5})
    assert done.status == "completed"
    assert rt.instance_data(case.id)["survey"] == {"satisfaction": 5}


def test_a_department_can_ask_for_a_follow_up_call(case_runtime, clock):
    rt = case_runtime
    case = book(rt)
    kumin = next(t for t in rt.list_tasks(instance_id=case.id) if t.department == "kumin")
    rt.complete_task(kumin.id, {"precheck_result": {"decisions": [], "followup_requested": True}}, "kumin1")
    precheck_everything(rt, case)
    visit(rt, case, followup=False, clock=clock)
    assert only(rt, instance_id=case.id).spec_name == "followup_call"


def test_without_follow_up_the_case_closes_when_the_survey_window_ends(case_runtime, clock):
    rt = case_runtime
    case = book(rt)
    precheck_everything(rt, case)
    visit(rt, case, followup=False, clock=clock)             # checked out on the visit's day, Dec 3
    assert rt.list_tasks(instance_id=case.id) == []
    clock.move_to(VISIT + timedelta(days=13))
    assert rt.wake(case.id).status == "running"
    clock.move_to(VISIT + timedelta(days=15))
    assert rt.wake(case.id).status == "completed"


def test_a_walk_in_starts_at_the_counter_and_skips_the_precheck(case_runtime):
    rt = case_runtime
    case = start_case(rt, "walk_in", "counter1", ward="nakahara")
    intake = only(rt, instance_id=case.id)
    assert (intake.spec_name, intake.role) == ("walkin_intake", "counter")
    data = reservation()
    del data["slot_start"]
    rt.complete_task(intake.id, data, "counter1")
    assert only(rt, instance_id=case.id).spec_name == "visit"


def test_a_cancelled_booking_ends_the_case_and_withdraws_open_tasks(case_runtime):
    rt = case_runtime
    case = book(rt)
    assert len(rt.list_tasks(instance_id=case.id)) == 3
    ended = rt.message(case.id, "booking_cancelled", "operator1", {"reason_code": "family_request"})
    assert ended.status == "completed"
    assert rt.list_tasks(instance_id=case.id) == []
    assert len(rt.list_tasks(instance_id=case.id, state="CANCELLED")) == 3
    assert rt.instance_data(case.id)["cancellation"] == {"reason_code": "family_request"}
    with pytest.raises(TaskConflict):
        rt.message(case.id, "booking_moved", "operator1", {"slot_start": MOVED_VISIT.isoformat()})


def test_a_moved_booking_moves_the_precheck_deadline(case_runtime):
    rt = case_runtime
    case = book(rt)
    old = {t.id for t in rt.list_tasks(instance_id=case.id)}
    rt.message(case.id, "booking_moved", "operator1", {"slot_start": MOVED_VISIT.isoformat()})
    renewed = rt.list_tasks(instance_id=case.id)
    assert len(renewed) == 3 and not old & {t.id for t in renewed}
    assert {t.due_at for t in renewed} == {datetime(2026, 12, 7, 17, 0, tzinfo=JST)}
    assert rt.task_data(renewed[0].id)["slot_start"] == MOVED_VISIT.isoformat()


def test_the_precheck_deadline_passing_is_recorded_and_the_tasks_stay_open(case_runtime, clock):
    rt = case_runtime
    case = book(rt)
    clock.move_to(datetime(2026, 12, 2, 17, 1, tzinfo=JST))
    rt.wake(case.id)
    assert len(rt.list_tasks(instance_id=case.id)) == 3
    assert "overdue_recorded_at" in rt.instance_data(case.id)
