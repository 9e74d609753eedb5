"""Deadlines from the business calendar and the city's rules (dmn/deadlines.dmn): the pre-check across a national
holiday, the follow-up call's N business days from the decision table (the city changes it by deploying the
table, running cases keep theirs), the family's reminder and the escalation times."""
from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import select

from engine.registry.problems import ModelSource
from engine.registry.store import sources_in
from engine.settings import PROJECT_ROOT
from processes.calendar import CalendarError
from processes.calendar.deadline_rules import deadline_rules
from processes.notifications.models import Notification
from processes.notifications.scheduling import fire_due_timers
from tests.case_support import JST, book, book_visit, precheck_everything, visit


def waiting_deadlines(runtime, case_id: int) -> dict:
    data = runtime.task_data(runtime.list_tasks(instance_id=case_id)[0].id)
    return {key: data[key] for key in ("precheck_due", "precheck_escalation_due", "reminder_on", "reminder_at")}


def test_a_visit_the_day_after_a_thursday_national_holiday_has_its_precheck_due_on_wednesday(case_runtime):
    # 2027-02-11 (Thursday) is 建国記念の日; the visit is on Friday the 12th
    case = book_visit(case_runtime, datetime(2027, 2, 12, 10, 30, tzinfo=JST))
    tasks = case_runtime.list_tasks(instance_id=case.id)
    assert {t.due_at for t in tasks} == {datetime(2027, 2, 10, 17, 0, tzinfo=JST)}
    assert waiting_deadlines(case_runtime, case.id) == {
        "precheck_due": "2027-02-10T17:00:00+09:00",
        "precheck_escalation_due": "2027-02-12T08:30:00+09:00",   # the next business day: the holiday is skipped
        "reminder_on": "2027-02-09", "reminder_at": "2027-02-09T09:00:00+09:00"}


def test_a_visit_after_a_weekend_with_a_friday_holiday_is_prechecked_by_thursday(case_runtime, clock):
    # 2026-03-20 (Friday) is 春分の日: a visit on Monday the 23rd is prechecked by Thursday the 19th, 17:00
    clock.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=JST))
    case = book_visit(case_runtime, datetime(2026, 3, 23, 9, 0, tzinfo=JST), died_on="2026-02-20")
    assert {t.due_at for t in case_runtime.list_tasks(instance_id=case.id)} == {datetime(2026, 3, 19, 17, 0, tzinfo=JST)}
    assert waiting_deadlines(case_runtime, case.id)["reminder_on"] == "2026-03-18"


def test_the_precheck_deadline_fires_at_its_time_and_not_before(mail_platform, clock):
    p = mail_platform
    case = book_visit(p.runtime, datetime(2027, 2, 12, 10, 30, tzinfo=JST))
    clock.move_to(datetime(2027, 2, 9, 9, 1, tzinfo=JST))
    assert fire_due_timers(p) == 1                                       # the reminder
    clock.move_to(datetime(2027, 2, 10, 16, 59, tzinfo=JST))
    assert fire_due_timers(p) == 0
    clock.move_to(datetime(2027, 2, 10, 17, 0, 30, tzinfo=JST))
    assert fire_due_timers(p) == 1 and fire_due_timers(p) == 0
    assert "overdue_recorded_at" in p.runtime.instance_data(case.id)


def test_the_follow_up_due_date_comes_from_the_deadline_table_and_running_cases_keep_their_rules(case_runtime, clock):
    rt = case_runtime
    before = book(rt)
    sources = sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"])
    changed = [ModelSource(s.name, s.content.replace(b'<outputEntry id="rule_default_followup"><text>3</text>',
                                                     b'<outputEntry id="rule_default_followup"><text>5</text>'))
               if s.name == "deadlines.dmn" else s for s in sources]
    assert changed != sources
    with rt.db.transaction() as session:
        rt.registry.deploy(session, changed, actor="owner1")
    after = book(rt)

    for case in (before, after):
        precheck_everything(rt, case)
    for case in (before, after):
        visit(rt, case, followup=True, clock=clock)
    [old_rules] = rt.list_tasks(instance_id=before.id)
    [new_rules] = rt.list_tasks(instance_id=after.id)
    assert old_rules.due_at == datetime(2026, 12, 8, 17, 0, tzinfo=JST)     # 3 business days after Thursday Dec 3
    assert new_rules.due_at == datetime(2026, 12, 10, 17, 0, tzinfo=JST)    # 5, after the city changed the table
    assert rt.task_data(new_rules.id)["followup_escalation_due"] == "2026-12-11T17:00:00+09:00"


def test_rules_missing_from_the_case_come_from_the_deployed_table(case_runtime):
    with case_runtime.db.transaction(write=False) as session:
        assert deadline_rules({"ward": "nakahara"}, session)["followup_business_days"] == 3


def test_without_a_deployed_deadline_table_the_rules_are_refused_in_japanese(database):
    with database.transaction(write=False) as session, pytest.raises(CalendarError) as error:
        deadline_rules({"ward": "nakahara"}, session)
    assert "deadlines.dmn" in error.value.user_message and "登録されていません" in error.value.user_message


@pytest.mark.parametrize("rules, message", [
    ({"followup_business_days": -1}, "0以上の整数"),
    ({"followup_business_days": 1.5}, "0以上の整数"),
    ({"reminder_time": "9時"}, "08:30"),
])
def test_a_broken_rule_is_refused_with_a_japanese_message(rules, message):
    good = {"followup_business_days": 3, "followup_escalation_business_days": 1,
            "precheck_escalation_business_days": 1, "precheck_escalation_time": "08:30", "reminder_time": "09:00"}
    with pytest.raises(CalendarError) as error:
        deadline_rules({"deadlines": {**good, **rules}})
    assert message in error.value.user_message


def test_a_reminder_whose_moment_has_passed_is_sent_by_the_next_pass_not_lost(mail_platform):
    # booked on Wednesday Nov 25, 14:00 for Friday Nov 27: the reminder (Nov 25, 9:00) has passed already
    p = mail_platform
    with time_machine.travel(datetime(2026, 11, 25, 14, 0, 10, tzinfo=JST), tick=False):
        case = book_visit(p.runtime, datetime(2026, 11, 27, 9, 0, tzinfo=JST))
        deadlines = waiting_deadlines(p.runtime, case.id)
        assert (deadlines["reminder_on"], deadlines["reminder_at"]) == ("2026-11-25", "2026-11-25T14:02:00+09:00")
        assert "reminder" not in p.runtime.instance_data(case.id)     # not fired inside the booking
    with time_machine.travel(datetime(2026, 11, 25, 14, 2, 1, tzinfo=JST), tick=False):
        assert fire_due_timers(p) == 1
    assert p.runtime.instance_data(case.id)["reminder"]["channel"] == "letter"
    assert [n.recipient for n in letters(p)] == ["counter_naka"]


def letters(platform):
    with platform.database.transaction(write=False) as s:
        return list(s.scalars(select(Notification).where(Notification.kind == "reminder_letter")))
