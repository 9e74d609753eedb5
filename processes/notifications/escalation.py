"""What happens when a case's deadline passes, decided by the service tasks that ran (see effects.py) and done
here in the transaction that fired the timer:

- overdue: the task stays open; its assignee — or, unclaimed, everyone of its group (role, ward, department) —
  and the supervisors are notified (bell, and e-mail to those with an address); `task.overdue` in the audit log.
- escalated: the second deadline passed; the model has created the supervisors' task (lane スーパーバイザー) to
  reassign or call; the supervisors are notified with a link to it; `task.escalated` in the audit log.
- reminder: the family is reminded of the visit the way they chose at booking: by e-mail (outbox), or by a call or
  a letter the ward's corner makes or posts (the corner staff are notified); `reminder.sent` in the audit log.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask, User
from engine.runtime import audit
from engine.settings import Settings
from processes.notifications import messages
from processes.notifications.effects import ESCALATED, OVERDUE, REMINDER, Effect, collecting
from processes.notifications.outbox import enqueue
from processes.notifications.reminders import EMAIL, PHONE
from processes.notifications.store import notify
from processes.tasks.assignment import eligible_assignees

ACTOR = "worker"
REVIEW_TASK = "escalation_review"


def supervisors(session: Session, ward: str | None) -> list[str]:
    """Active supervisors of the ward (a supervisor without a ward oversees every ward)."""
    query = select(User.username).where(User.role == "supervisor", User.active.is_(True))
    if ward is not None:
        query = query.where(or_(User.ward.is_(None), User.ward == ward))
    return list(session.scalars(query.order_by(User.username)))


def _open_tasks(session: Session, instance_id: int, spec_name: str | None) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.spec_name == spec_name,
                                                        HumanTask.state == "READY").order_by(HumanTask.id)))


def _task_link(settings: Settings, task: HumanTask) -> tuple[str, str]:
    """The task's page, as a path (the bell) and as a full URL (e-mail)."""
    path = f"/tasks/{task.id}/form"
    return path, settings.base_url.rstrip("/") + path


def _overdue(session: Session, settings: Settings, instance_id: int, effect: Effect) -> None:
    for task in _open_tasks(session, instance_id, effect.task):
        label = messages.task_label(task.title, task.department)
        path, url = _task_link(settings, task)
        workers = [task.assignee] if task.assignee else [u.username for u in eligible_assignees(session, task)]
        mail = messages.staff_mail("期限超過", instance_id, label, task.due_at, "期限を過ぎています。対応してください。", url)
        for username in workers:
            notify(session, username, "task_overdue", f"期限超過：{messages.case_label(instance_id)} {label}",
                   link=path, instance_id=instance_id, human_task_id=task.id, due_at=task.due_at, mail=mail)
        whose = "担当者" if task.assignee else "グループ"
        sv_mail = messages.staff_mail("期限超過", instance_id, label, task.due_at,
                                      f"期限を過ぎています（{whose}に通知しました）。", url)
        chiefs = [u for u in supervisors(session, task.ward) if u not in workers]
        for username in chiefs:
            notify(session, username, "task_overdue", f"期限超過：{messages.case_label(instance_id)} {label}",
                   body=f"{whose}に通知しました。", link=path, instance_id=instance_id, human_task_id=task.id,
                   due_at=task.due_at, mail=sv_mail)
        audit.record(session, ACTOR, "task.overdue", instance_id=instance_id, task_id=task.task_id,
                     detail={"task": task.spec_name, "due_at": task.due_at.isoformat() if task.due_at else None,
                             "assignee": task.assignee, "notified": workers + chiefs})


def _escalated(session: Session, settings: Settings, instance_id: int, effect: Effect) -> None:
    overdue = _open_tasks(session, instance_id, effect.task)
    reviews = _open_tasks(session, instance_id, REVIEW_TASK)
    review = reviews[-1] if reviews else None
    ward = next((t.ward for t in overdue + reviews if t.ward), None)
    label = "、".join(messages.task_label(t.title, t.department) for t in overdue) or effect.task or ""
    target = review or (overdue[0] if overdue else None)
    path = f"/tasks/{target.id}/form" if target is not None else "/supervisor/deadlines"
    url = settings.base_url.rstrip("/") + path
    due_at = min((t.due_at for t in overdue if t.due_at), default=None)
    mail = messages.staff_mail("エスカレーション", instance_id, label, due_at,
                               "期限を大きく過ぎています。再割当または電話での確認をお願いします。", url)
    chiefs = supervisors(session, ward)
    for username in chiefs:
        notify(session, username, "task_escalated", f"エスカレーション：{messages.case_label(instance_id)} {label}",
               body="再割当または電話での確認をお願いします。", link=path, instance_id=instance_id,
               human_task_id=target.id if target is not None else None, due_at=due_at, mail=mail)
    audit.record(session, ACTOR, "task.escalated", instance_id=instance_id,
                 task_id=review.task_id if review is not None else None,
                 detail={"task": effect.task, "overdue_tasks": [t.id for t in overdue], "notified": chiefs})


def _reminder(session: Session, settings: Settings, instance_id: int, effect: Effect) -> None:
    details = effect.details
    slot = details.get("slot_start")
    visit_start = datetime.fromisoformat(slot) if isinstance(slot, str) else None
    ward = details.get("ward")
    if details.get("channel") == EMAIL and details.get("email"):
        subject, body = messages.reminder_mail(instance_id, visit_start, ward)
        enqueue(session, details["email"], subject, body, instance_id=instance_id)
    else:
        by_phone = details.get("channel") == PHONE
        kind, what = ("reminder_call", "確認の電話") if by_phone else ("reminder_letter", "確認の手紙を送付")
        action = "予約確認の電話をしてください" if by_phone else "予約確認の手紙を送付してください"
        counter = select(User.username).where(User.role == "counter", User.active.is_(True), User.ward == ward)
        for username in session.scalars(counter.order_by(User.username)):
            notify(session, username, kind, f"{what}：{messages.case_label(instance_id)}",
                   body=f"{messages.when(visit_start)} 来庁予定のご遺族へ、{action}。",
                   link=f"/cases/{instance_id}", instance_id=instance_id)
    audit.record(session, ACTOR, "reminder.sent", instance_id=instance_id,
                 detail={"channel": details.get("channel"), "visit": slot})


HANDLERS = {OVERDUE: _overdue, ESCALATED: _escalated, REMINDER: _reminder}


def act_on(session: Session, settings: Settings, instance_id: int, effects: list[Effect]) -> None:
    for effect in effects:
        HANDLERS[effect.kind](session, settings, instance_id, effect)


def wake_hook(settings: Settings):
    """For engine.scheduler: collect what the wake's service tasks emit, act on it before the commit."""
    @contextmanager
    def hook(session: Session, instance_id: int) -> Iterator[None]:
        with collecting() as effects:
            yield
        act_on(session, settings, instance_id, effects)
    return hook
