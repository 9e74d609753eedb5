"""Completing a task with its form's data: the form's JSON Schema, the business rules of the form (reservation,
pre-check), the engine's completion and the task's drafts discarded, all in the caller's transaction."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.errors import TaskConflict
from engine.runtime import InstanceSummary, WorkflowRuntime

from processes.tasks.access import Actor
from processes.tasks.drafts import discard_drafts
from processes.okuyami.booking import RESERVATION_FORMS, validate_intake_task
from processes.okuyami.precheck import PRECHECK_FORM, precheck_errors
from processes.okuyami.visit_checks import VISIT_FORM, check_visit_completion
from processes.tasks.validation import ValidationFailed, load_form, schema_errors

STALE_MESSAGE = "このタスクはすでに完了しているか、取り消されています。最新の状態をタスク一覧で確認してください。"


def check_completion(session: Session, runtime: WorkflowRuntime, forms_dir: Path, task: HumanTask, data: dict) -> None:
    """ValidationFailed naming every bad field, or nothing."""
    if not task.form:
        return
    errors = schema_errors(load_form(forms_dir, task.form), data)
    if errors:
        raise ValidationFailed(errors)
    if task.form in RESERVATION_FORMS:
        validate_intake_task(forms_dir, task.form, data, session, runtime, task.instance_id)
    if task.form == VISIT_FORM:
        check_visit_completion(session, task.instance_id, data)
    if task.form == PRECHECK_FORM:
        assignment = runtime.task_data(task.id, session=session).get("assignment") or {}
        errors = precheck_errors(assignment, data.get("precheck_result"))
        if errors:
            raise ValidationFailed(errors)


def complete(session: Session, runtime: WorkflowRuntime, forms_dir: Path, actor: Actor, task: HumanTask,
             data: dict) -> InstanceSummary:
    if task.state != "READY":
        raise TaskConflict(f"task {task.id} is {task.state}", user_message=STALE_MESSAGE)
    check_completion(session, runtime, forms_dir, task, data)
    result = runtime.complete_task(task.id, data, actor.username, session=session)
    discard_drafts(session, task.id)
    return result
