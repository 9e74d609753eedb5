"""What happened to a case, for the case screen: its tasks with who and when, and (for supervisors) the audit
trail. Neither holds personal data: the audit log keeps digests, never the data itself."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry, HumanTask
from processes.tasks.access import Actor

AUDIT_READERS = frozenset({"supervisor"})
MAX_AUDIT_ROWS = 500
ACTION_LABELS = {
    "instance.started": "案件の開始", "instance.cancelled": "案件の強制終了", "instance.message": "予約の変更・取消等の受付",
    "instance.woken": "期限の到来", "task.completed": "タスクの完了", "task.claimed": "タスクの引受け",
    "task.unclaimed": "引受けの解除", "case.viewed": "個人情報の閲覧", "visit.checked_in": "来庁の受付（チェックイン）",
    "guidance.printed": "案内票の表示",
}
STATE_LABELS = {"READY": "対応中", "COMPLETED": "完了", "CANCELLED": "取消"}


@dataclass(frozen=True)
class TaskEvent:
    title: str
    department: str | None
    state: str
    created_at: datetime
    due_at: datetime | None
    assignee: str | None
    completed_at: datetime | None
    completed_by: str | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str
    action: str
    detail: dict

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def task_history(session: Session, actor: Actor, case_id: int) -> list[TaskEvent]:
    """Every task of the case, open and closed, oldest first; a department sees only its own pre-checks."""
    query = select(HumanTask).where(HumanTask.instance_id == case_id).order_by(HumanTask.created_at, HumanTask.id)
    if actor.role == "dept_staff":
        query = query.where((HumanTask.department == actor.department) | HumanTask.department.is_(None))
    return [TaskEvent(t.title, t.department, t.state, t.created_at, t.due_at, t.assignee, t.completed_at,
                      t.completed_by) for t in session.scalars(query)]


def audit_trail(session: Session, actor: Actor, case_id: int) -> list[AuditEvent] | None:
    """The case's audit log entries for supervisors (None for everyone else)."""
    if actor.role not in AUDIT_READERS:
        return None
    query = (select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
             .where(AuditEntry.instance_id == case_id).order_by(AuditEntry.at, AuditEntry.id).limit(MAX_AUDIT_ROWS))
    return [AuditEvent(at, who, action, detail or {}) for at, who, action, detail in session.execute(query)]
