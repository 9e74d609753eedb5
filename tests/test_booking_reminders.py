"""The family's booking reminder: sent the way they chose at booking (phone, e-mail, letter), and never for a
visit that is already past or too near for it to arrive (a letter whose day has gone)."""
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import select

from processes.notifications.models import Notification
from processes.notifications.scheduling import fire_due_timers
from processes.okuyami.cases import start_case
from tests.case_support import JST, reservation

BOOKED_AT = datetime(2026, 11, 24, 10, 0, tzinfo=JST)                # a Tuesday


def book(runtime, visit: datetime, **changes):
    case = start_case(runtime, "booking", "operator1", ward="nakahara")
    [task] = runtime.list_tasks(instance_id=case.id)
    dates = {"deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"}
    runtime.complete_task(task.id, reservation(dates, slot_start=visit.isoformat(), **changes), "operator1")
    return case


def counter_notifications(platform) -> list[Notification]:
    with platform.database.transaction(write=False) as session:
        return list(session.scalars(select(Notification).where(Notification.recipient == "counter_naka")))


def test_no_letter_for_a_visit_booked_after_its_letter_day(mail_platform):
    p = mail_platform
    with time_machine.travel(BOOKED_AT, tick=False):
        # Wednesday's visit: its letter (two business days before; Monday is a holiday) was due on Friday
        case = book(p.runtime, datetime(2026, 11, 25, 13, 0, tzinfo=JST))
        assert p.runtime.instance_data(case.id)["reminder_on"] == "2026-11-20"
    with time_machine.travel(BOOKED_AT + timedelta(minutes=5), tick=False):
        fire_due_timers(p)
    reminder = p.runtime.instance_data(case.id)["reminder"]
    assert (reminder["channel"], reminder["skipped"]) == ("letter", "too_late")
    assert counter_notifications(p) == []                             # nobody is asked to post it


def test_no_reminder_at_all_for_a_visit_already_past(mail_platform, smtp_server):
    p = mail_platform
    with time_machine.travel(BOOKED_AT, tick=False):
        case = book(p.runtime, datetime(2026, 11, 20, 13, 0, tzinfo=JST), contact_preference="email",
                    applicant={**reservation()["applicant"], "email": "hanako@example.jp"})
    with time_machine.travel(BOOKED_AT + timedelta(minutes=5), tick=False):
        fire_due_timers(p)
    assert p.runtime.instance_data(case.id)["reminder"]["skipped"] == "too_late"
    assert smtp_server.inbox.messages == [] and counter_notifications(p) == []


def test_a_near_visit_is_still_reminded_by_e_mail_before_it_starts(mail_platform, smtp_server):
    p = mail_platform
    with time_machine.travel(BOOKED_AT, tick=False):
        case = book(p.runtime, datetime(2026, 11, 26, 13, 0, tzinfo=JST), contact_preference="email",
                    applicant={**reservation()["applicant"], "email": "hanako@example.jp"})
    with time_machine.travel(BOOKED_AT + timedelta(minutes=5), tick=False):
        fire_due_timers(p)
    assert p.runtime.instance_data(case.id)["reminder"]["channel"] == "email"
    assert len(smtp_server.inbox.to("hanako@example.jp")) == 1


def test_a_family_that_asked_for_a_call_is_phoned_by_the_corner_not_written_to(mail_platform, smtp_server):
    p = mail_platform
    with time_machine.travel(BOOKED_AT, tick=False):
        case = book(p.runtime, datetime(2026, 12, 3, 10, 30, tzinfo=JST), contact_preference="phone",
                    applicant={**reservation()["applicant"], "email": "hanako@example.jp"})
    with time_machine.travel(datetime(2026, 12, 1, 9, 1, tzinfo=JST), tick=False):
        assert fire_due_timers(p) >= 1
    assert p.runtime.instance_data(case.id)["reminder"]["channel"] == "phone"
    [call] = counter_notifications(p)
    assert call.kind == "reminder_call" and call.title == f"確認の電話：案件番号 {case.id}"
    assert "予約確認の電話をしてください" in call.body
    assert smtp_server.inbox.messages == []                           # not e-mailed, though an address was given
