"""Notifications: e-mail through a real SMTP server on loopback (aiosmtpd), sent after the firing transaction
commits and never lost when the server is down; no personal data beyond the case number in subjects and bodies
that hold only the case number, the task, the deadline and a link. The family's reminder by e-mail or letter."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db.models import AuditEntry
from processes.notifications import store
from processes.notifications.models import Notification, OutboxMessage
from processes.notifications.outbox import backoff
from processes.notifications.scheduling import fire_due_timers, send_outbox
from tests.case_support import JST, book, reservation

PRECHECK_LATE = datetime(2026, 12, 2, 17, 1, tzinfo=JST)
REMINDER_TIME = datetime(2026, 12, 1, 9, 1, tzinfo=JST)
PERSONAL = ("川崎 太郎", "川崎 花子", "カワサキ", "044-200-0000", "1940", "長女", "hanako")  # (the ward office address is public)


def outbox(platform) -> list[OutboxMessage]:
    with platform.database.transaction(write=False) as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_an_overdue_task_is_e_mailed_to_staff_with_an_address_without_personal_data(mail_platform, smtp_server, clock):
    p = mail_platform
    with p.database.transaction() as s:
        store.set_address(s, "kumin_naka", "kumin-naka@city.example.jp")
        store.set_address(s, "sv", "sv@city.example.jp")
    case = book(p.runtime)
    clock.move_to(PRECHECK_LATE)
    fire_due_timers(p)

    [to_kumin] = smtp_server.inbox.to("kumin-naka@city.example.jp")
    assert to_kumin["Subject"] == f"【おくやみ】期限超過：案件番号 {case.id}"
    assert to_kumin["From"] == "okuyami@city.example.jp"
    body = text_of(to_kumin)
    kumin = next(t for t in p.runtime.list_tasks(instance_id=case.id) if t.department == "kumin")
    assert f"案件番号 {case.id}" in body and "タスク: 事前確認（区民課）" in body
    assert "期限: 2026年12月2日（水）17:00" in body
    assert f"https://okuyami.city.example.jp/tasks/{kumin.id}/form" in body
    assert len(smtp_server.inbox.to("sv@city.example.jp")) == 3          # one per overdue department
    for message in smtp_server.inbox.messages:
        assert not any(word in message["Subject"] + text_of(message) for word in PERSONAL)
    assert {m.state for m in outbox(p)} == {"SENT"}
    assert smtp_server.inbox.to("hoken-naka@city.example.jp") == []     # no address: the bell only


def test_the_family_is_reminded_by_e_mail_two_business_days_before_the_visit(mail_platform, smtp_server, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book_with_email(rt, "hanako@example.jp", "email")
    clock.move_to(REMINDER_TIME - timedelta(minutes=2))
    fire_due_timers(p)
    assert smtp_server.inbox.messages == []
    clock.move_to(REMINDER_TIME)
    assert fire_due_timers(p) == 1

    [message] = smtp_server.inbox.to("hanako@example.jp")
    assert message["Subject"] == f"【川崎市】おくやみコーナーのご予約について（案件番号 {case.id}）"
    body = text_of(message)
    assert "ご来庁の日時: 2026年12月3日（木）10:30" in body and "中原区役所" in body
    assert not any(word in body for word in PERSONAL)
    assert rt.instance_data(case.id)["reminder"]["channel"] == "email"
    with p.database.transaction(write=False) as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "reminder.sent"))
        letters = list(s.scalars(select(Notification).where(Notification.kind == "reminder_letter")))
    assert entry.instance_id == case.id and entry.detail["channel"] == "email" and letters == []


def test_a_family_that_prefers_letters_gets_one_posted_by_the_corner(mail_platform, smtp_server, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book_with_email(rt, "hanako@example.jp", "letter")
    clock.move_to(REMINDER_TIME)
    fire_due_timers(p)
    assert smtp_server.inbox.messages == []
    assert rt.instance_data(case.id)["reminder"]["channel"] == "letter"
    with p.database.transaction(write=False) as s:
        letters = list(s.scalars(select(Notification).where(Notification.kind == "reminder_letter")))
    assert [n.recipient for n in letters] == ["counter_naka"]               # the ward's corner, not tama's
    assert letters[0].title == f"確認の手紙を送付：案件番号 {case.id}"


def test_e_mail_waits_while_the_smtp_server_is_down_and_goes_out_once_it_is_back(mail_platform, smtp_server, clock):
    p = mail_platform
    with p.database.transaction() as s:
        store.set_address(s, "sv", "sv@city.example.jp")
    case = book(p.runtime)
    smtp_server.stop()
    clock.move_to(PRECHECK_LATE)
    assert fire_due_timers(p) == 2                     # reminder and deadline fire: the outage holds nothing up
    waiting = outbox(p)
    assert len(waiting) == 3 and {m.state for m in waiting} == {"PENDING"}
    assert {m.attempts for m in waiting} == {1} and all(m.last_error for m in waiting)
    assert not any("@" in m.last_error for m in waiting)

    smtp_server.start()
    assert send_outbox(p).sent == 0                    # not before its retry time
    clock.move_to(PRECHECK_LATE + backoff(1) + timedelta(seconds=1))
    assert send_outbox(p).sent == 3
    assert {m.state for m in outbox(p)} == {"SENT"}
    assert len(smtp_server.inbox.to("sv@city.example.jp")) == 3
    assert send_outbox(p).sent == 0                    # and only once
    assert all(f"案件番号 {case.id}" in m["Subject"] for m in smtp_server.inbox.messages)


def test_without_an_smtp_server_configured_e_mail_stays_in_the_outbox(mail_platform, clock):
    from dataclasses import replace

    p = mail_platform
    p.settings = replace(p.settings, smtp_host="")
    with p.database.transaction() as s:
        store.set_address(s, "sv", "sv@city.example.jp")
    book(p.runtime)
    clock.move_to(PRECHECK_LATE)
    fire_due_timers(p)
    assert {(m.state, m.attempts) for m in outbox(p)} == {("PENDING", 0)}


def book_with_email(runtime, address: str, preference: str):
    from processes.okuyami.cases import start_case

    case = start_case(runtime, "booking", "operator1", ward="nakahara")
    [booking] = runtime.list_tasks(instance_id=case.id)
    body = reservation({"deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"},
                       contact_preference=preference)
    body["applicant"]["email"] = address
    runtime.complete_task(booking.id, body, "operator1")
    return case
