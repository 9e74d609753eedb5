"""Completing a task with its form's data: the form's JSON Schema, the business rules the city registered for the
form (form_rules.py), the engine's completion, the task's drafts discarded and the rules' after-steps, all in
the caller's transaction."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.errors import TaskConflict
from engine.runtime import InstanceSummary, WorkflowRuntime
from processes.tasks.access import Actor
from processes.tasks.drafts import discard_drafts
from processes.tasks.form_rules import FORM_RULES, Completion
from processes.tasks.validation import ValidationFailed, load_form, schema_errors

STALE_MESSAGE = "このタスクはすでに完了しているか、取り消されています。最新の状態をタスク一覧で確認してください。"
HELD_BY_OTHER = "このタスクは他の担当者が引き受けています。引き受けを解除してもらうか、スーパーバイザーに再割当を依頼してください。"


def check_completion(completion: Completion) -> None:
    """ValidationFailed naming every bad field, or nothing."""
    if not completion.task.form:
        return
    errors = schema_errors(load_form(completion.forms_dir, completion.task.form), completion.data)
    if errors:
        raise ValidationFailed(errors)
    FORM_RULES.check(completion)


def complete(session: Session, runtime: WorkflowRuntime, forms_dir: Path, actor: Actor, task: HumanTask,
             data: dict) -> InstanceSummary:
    """Someone else's task is refused before anything is checked; an unclaimed one is claimed by the person who
    completes it, in the same transaction (the audit shows who took it)."""
    if task.state != "READY":
        raise TaskConflict(f"task {task.id} is {task.state}", user_message=STALE_MESSAGE)
    if task.assignee not in (None, actor.username):
        raise TaskConflict(f"task {task.id} is claimed by another user", user_message=HELD_BY_OTHER)
    data = FORM_RULES.prepare(task.form, data)
    completion = Completion(session, runtime, forms_dir, task, data, actor.username)
    check_completion(completion)
    if task.assignee is None:
        runtime.claim(task.id, actor.username, session=session)
    result = runtime.complete_task(task.id, data, actor.username, session=session)
    discard_drafts(session, task.id)
    FORM_RULES.finish(completion)
    return result
