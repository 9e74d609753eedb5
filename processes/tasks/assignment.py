"""Who works on a task: unclaiming one's own task, and a supervisor handing a task to a named person of the
task's role and scope. Both are audit-logged, in the caller's transaction."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.db.models import HumanTask, User
from engine.errors import TaskConflict
from engine.runtime import WorkflowRuntime, audit
from processes.roles import SCOPED_ROLES
from processes.tasks.access import Actor, Forbidden
from processes.tasks.validation import FieldError, ValidationFailed
from processes.tasks.worklists import REASSIGNERS

ASSIGNEE = "assignee"


def _require_open(task: HumanTask) -> None:
    if task.state != "READY":
        raise TaskConflict(f"task {task.id} is {task.state}",
                           user_message="このタスクはすでに完了しているか、取り消されています。")


def unclaim(session: Session, runtime: WorkflowRuntime, actor: Actor, task: HumanTask) -> None:
    """Give one's own claimed task back to the group; another person's claim stays (a supervisor reassigns)."""
    _require_open(task)
    if task.assignee != actor.username:
        raise TaskConflict(f"task {task.id} is not claimed by {actor.username!r}",
                           user_message="引き受けを解除できるのは、このタスクを引き受けている本人だけです。")
    runtime.unclaim(task.id, actor.username, session=session)


def eligible_assignees(session: Session, task: HumanTask) -> list[User]:
    """Active accounts of the task's role and, for scoped roles, of its ward (and department)."""
    if task.role is None:
        return []
    query = select(User).where(User.role == task.role, User.active.is_(True))
    for key in SCOPED_ROLES.get(task.role, ()):
        query = query.where(getattr(User, key) == getattr(task, key))
    return list(session.scalars(query.order_by(User.username)))


def assignees_by_scope(session: Session, tasks) -> dict[int, list[User]]:
    """For each open task, who it may be handed to: all accounts read once, matched in memory."""
    roles = {t.role for t in tasks if t.role is not None}
    if not roles:
        return {}
    users = list(session.scalars(select(User).where(User.role.in_(roles), User.active.is_(True))
                                 .order_by(User.username)))
    found = {}
    for task in tasks:
        if task.state != "READY" or task.role is None:
            continue
        keys = SCOPED_ROLES.get(task.role, ())
        found[task.id] = [u for u in users if u.role == task.role
                          and all(getattr(u, key) == getattr(task, key) for key in keys)]
    return found


def reassign(session: Session, actor: Actor, task: HumanTask, assignee) -> None:
    """A supervisor hands the task to `assignee` (a username), whoever held it before."""
    if actor.role not in REASSIGNERS:
        raise Forbidden("only a supervisor reassigns", user_message="タスクの再割当はスーパーバイザーだけが行えます。")
    if not isinstance(assignee, str) or not assignee.strip():
        raise ValidationFailed([FieldError(ASSIGNEE, "割り当てる担当者を選んでください。")])
    _require_open(task)
    if assignee not in {u.username for u in eligible_assignees(session, task)}:
        raise ValidationFailed([FieldError(ASSIGNEE, "このタスクの役割・担当範囲の担当者を選んでください。")])
    previous = task.assignee
    result = session.execute(update(HumanTask)
                             .where(HumanTask.id == task.id, HumanTask.state == "READY",
                                    HumanTask.assignee.is_(None) if previous is None else HumanTask.assignee == previous)
                             .values(assignee=assignee).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise TaskConflict(f"task {task.id} changed while being reassigned",
                           user_message="このタスクは他の担当者が先に更新しました。画面を再読み込みしてください。")
    audit.record(session, actor.username, "task.reassigned", instance_id=task.instance_id, task_id=task.task_id,
                 detail={"from": previous, "to": assignee})
    session.expire(task)
