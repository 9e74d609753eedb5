"""Escalation: an overdue task stays open, its assignee (or, unclaimed, its group) and the supervisors are told,
and after a second deadline a supervisor gets a task to reassign or call; all of it in the audit log. Timers
fire through the dispatcher `okuyami worker` runs; time is moved with time_machine."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db.models import AuditEntry, HumanTask, Timer
from processes.notifications.models import Notification
from processes.notifications.scheduling import fire_due_timers
from tests.case_support import JST, VISIT, book, precheck_everything, visit

PRECHECK_DUE = datetime(2026, 12, 2, 17, 0, tzinfo=JST)
ESCALATION_DUE = datetime(2026, 12, 3, 8, 30, tzinfo=JST)


def notified(platform, kind: str | None = None) -> dict[str, list[Notification]]:
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    found: dict[str, list[Notification]] = {}
    with platform.database.transaction(write=False) as s:
        for row in s.scalars(query):
            found.setdefault(row.recipient, []).append(row)
    return found


def audit_of(platform, action: str) -> list[AuditEntry]:
    with platform.database.transaction(write=False) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def open_overdue(platform, now: datetime) -> list[HumanTask]:
    """What a worklist's overdue filter asks: open tasks whose due_at has passed."""
    with platform.database.transaction(write=False) as s:
        return list(s.scalars(select(HumanTask).where(HumanTask.state == "READY", HumanTask.due_at < now)))


def test_an_overdue_precheck_stays_open_and_tells_its_assignee_or_group_and_the_supervisors(mail_platform, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book(rt)
    kumin = next(t for t in rt.list_tasks(instance_id=case.id) if t.department == "kumin")
    rt.claim(kumin.id, "kumin_naka")

    clock.move_to(PRECHECK_DUE - timedelta(minutes=1))
    fire_due_timers(p)                         # the family's reminder (Dec 1) only
    assert notified(p, "task_overdue") == {} and open_overdue(p, clock_now()) == []
    clock.move_to(PRECHECK_DUE)
    assert fire_due_timers(p) == 0             # not before its deadline has passed
    clock.move_to(PRECHECK_DUE + timedelta(minutes=1))
    assert fire_due_timers(p) == 1

    tasks = rt.list_tasks(instance_id=case.id)
    assert sorted(t.department for t in tasks) == ["hoken_nenkin", "kourei_shogai", "kumin"]   # still open
    assert {t.id for t in open_overdue(p, clock_now())} == {t.id for t in tasks}
    overdue = notified(p, "task_overdue")
    # the claimed task goes to its assignee only; the unclaimed ones to everyone of their group
    assert {name: [n.human_task_id for n in rows] for name, rows in overdue.items() if name != "sv"} == {
        "kumin_naka": [kumin.id],
        "hoken_naka": [t.id for t in tasks if t.department == "hoken_nenkin"],
        "kourei_naka": [t.id for t in tasks if t.department == "kourei_shogai"]}
    assert sorted(n.human_task_id for n in overdue["sv"]) == sorted(t.id for t in tasks)   # not sv_tama
    first = overdue["kumin_naka"][0]
    assert first.title == f"期限超過：案件番号 {case.id} 事前確認（区民課）"
    assert first.link == f"/tasks/{kumin.id}/form" and first.due_at == PRECHECK_DUE

    entries = audit_of(p, "task.overdue")
    assert len(entries) == 3 and {e.instance_id for e in entries} == {case.id}
    by_task = {e.task_id: e.detail for e in entries}
    assert by_task[kumin.task_id]["assignee"] == "kumin_naka"
    assert set(by_task[kumin.task_id]["notified"]) == {"kumin_naka", "sv"}

    assert fire_due_timers(p) == 0             # nothing fires twice, nobody is told twice
    assert sum(map(len, notified(p, "task_overdue").values())) == 6


def test_after_the_second_deadline_a_supervisor_gets_a_task_to_reassign_or_call(mail_platform, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book(rt)
    clock.move_to(PRECHECK_DUE + timedelta(minutes=1))
    fire_due_timers(p)
    assert rt.list_tasks(instance_id=case.id, role="supervisor") == []

    clock.move_to(ESCALATION_DUE + timedelta(minutes=1))
    assert fire_due_timers(p) == 1
    [review] = rt.list_tasks(instance_id=case.id, role="supervisor")
    assert (review.spec_name, review.lane, review.form) == ("escalation_review", "スーパーバイザー", "escalation.json")
    assert len(rt.list_tasks(instance_id=case.id, role="dept_staff")) == 3      # the pre-checks stay open
    escalated = notified(p, "task_escalated")
    assert list(escalated) == ["sv"]
    assert escalated["sv"][0].link == f"/tasks/{review.id}/form"
    [entry] = audit_of(p, "task.escalated")
    assert entry.task_id == review.task_id and entry.detail["task"] == "precheck"
    assert entry.detail["notified"] == ["sv"] and len(entry.detail["overdue_tasks"]) == 3

    rt.complete_task(review.id, {"escalation_action": "called", "escalation_note": "区民課に電話で確認済み"}, "sv")
    assert rt.list_tasks(instance_id=case.id, role="supervisor") == []
    assert len(rt.list_tasks(instance_id=case.id, role="dept_staff")) == 3


def test_a_precheck_done_in_time_is_never_overdue_nor_escalated(mail_platform, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book(rt)
    precheck_everything(rt, case)
    clock.move_to(ESCALATION_DUE + timedelta(hours=1))
    fire_due_timers(p)
    with p.database.transaction(write=False) as s:
        states = {t.event_name: t.state for t in s.scalars(select(Timer).where(Timer.instance_id == case.id))}
    assert states["事前確認の期限"] == "CANCELLED" and states["事前確認のエスカレーション期限"] == "CANCELLED"
    assert notified(p, "task_overdue") == {} and notified(p, "task_escalated") == {}
    assert rt.list_tasks(instance_id=case.id, role="supervisor") == []
    assert audit_of(p, "task.overdue") == []


def test_an_overdue_follow_up_call_tells_the_corner_then_escalates(mail_platform, clock):
    p, rt = mail_platform, mail_platform.runtime
    case = book(rt)
    precheck_everything(rt, case)
    clock.move_to(VISIT + timedelta(hours=2))
    fire_due_timers(p)
    visit(rt, case, followup=True, clock=clock)
    [call] = rt.list_tasks(instance_id=case.id)
    assert call.due_at == datetime(2026, 12, 8, 17, 0, tzinfo=JST)

    clock.move_to(datetime(2026, 12, 8, 17, 1, tzinfo=JST))
    assert fire_due_timers(p) == 1
    assert {name: len(rows) for name, rows in notified(p, "task_overdue").items()} == {"counter_naka": 1, "sv": 1}
    clock.move_to(datetime(2026, 12, 9, 17, 1, tzinfo=JST))   # one business day later (dmn/deadlines.dmn)
    assert fire_due_timers(p) == 1
    [review] = rt.list_tasks(instance_id=case.id, role="supervisor")
    assert review.spec_name == "escalation_review"
    assert audit_of(p, "task.escalated")[0].detail["task"] == "followup_call"
    assert [t.spec_name for t in rt.list_tasks(instance_id=case.id, role="counter")] == ["followup_call"]


def clock_now() -> datetime:
    return datetime.now(JST)
