"""The visit at the corner (来庁対応): check-in on the visit's day, one outcome per procedure, check-out, and a
follow-up call if needed. Check-in and check-out are columns of the case's case_visits row (and audit entries:
a time, no personal data); completing the visit writes them with the outcomes into the case in one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.errors import TaskConflict
from engine.runtime import InstanceSummary, WorkflowRuntime, audit
from processes.calendar import JST, now_jst
from processes.okuyami.booking_changes import booking_state
from processes.okuyami.visit_checks import VISIT_FORM, check_in_refusal, check_out_errors, record_check_in
from processes.okuyami.visit_records import ensure_row
from processes.tasks.access import Actor, require
from processes.tasks.validation import FieldError, ValidationFailed, load_form, schema_errors

VISIT_STEP = "visit"
CHECKED_IN = "visit.checked_in"
VISIT_ROLES = frozenset({"counter"})
MAX_NOTE = 400
DROPPED = "dropped"


@dataclass(frozen=True)
class VisitState:
    case_id: int
    task_id: int | None
    """The open visit task (None once the visit is over, or before the case reached it)."""
    checked_in_at: datetime | None
    visit_on: date | None = None
    check_in_refusal: str | None = None
    """Why the family cannot be checked in now (not the visit's day); None when they can."""

    @property
    def open(self) -> bool:
        return self.task_id is not None


def outcome_labels(forms_dir: Path) -> dict[str, str]:
    """The outcomes the visit form offers, with their labels (data of forms/tasks/visit.json)."""
    outcome = load_form(forms_dir, VISIT_FORM)["properties"]["outcomes"]["items"]["properties"]["outcome"]
    return dict(outcome["x-labels"])


def visit_procedures(data: dict) -> list[dict]:
    """The procedures the family is guided through: every selected one the pre-check did not drop."""
    return [p for p in data.get("procedures") or [] if p.get("status") != DROPPED]


def minutes_between(start: datetime | None, end: datetime | None) -> int | None:
    """窓口所要時間 in whole minutes."""
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds() / 60))


def visit_state(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int) -> VisitState:
    """The counter's view of the visit of a case of its own ward (another ward's case is NotFound)."""
    require(actor.role in VISIT_ROLES)
    booking_state(session, runtime, actor, case_id)
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == case_id, HumanTask.spec_name == VISIT_STEP,
                                                  HumanTask.state == "READY"))
    row = ensure_row(session, case_id, runtime.instance_data(case_id, session=session))
    if task is None:
        return VisitState(case_id, None, None, row.visit_on if row else None)
    checked_in = row.checked_in_at.astimezone(JST) if row and row.checked_in_at else None
    refusal = None if checked_in else check_in_refusal(row, now_jst())
    return VisitState(case_id, task.id, checked_in, row.visit_on if row else None, refusal)


def _open_visit(session, runtime, actor, case_id) -> tuple[VisitState, HumanTask]:
    state = visit_state(session, runtime, actor, case_id)
    if not state.open:
        raise TaskConflict(f"case {case_id} has no open visit", user_message="この案件の来庁対応は受け付けられない段階です（完了済みまたは事前確認中）。")
    return state, session.get(HumanTask, state.task_id)


def check_in(session: Session, runtime: WorkflowRuntime, actor: Actor, case_id: int,
             now: datetime | None = None) -> datetime:
    """Record the family's arrival once, on the visit's day (else a 409 saying which day); checking in again
    keeps the first time."""
    state, task = _open_visit(session, runtime, actor, case_id)
    if state.checked_in_at is not None:
        return state.checked_in_at
    moment = record_check_in(ensure_row(session, case_id, runtime.instance_data(case_id, session=session)), now)
    audit.record(session, actor.username, CHECKED_IN, instance_id=case_id, task_id=task.task_id,
                 detail={"at": moment.isoformat()})
    session.flush()
    return moment


def visit_data(form: dict, procedures: list[dict], labels: dict[str, str], checked_in_at: datetime,
               checked_out_at: datetime) -> dict:
    """The visit task's data from the screen's fields (`outcome.<ID>`, `note.<ID>`, `followup_requested`,
    `followup_reason`); ValidationFailed names every field that is missing or wrong."""
    errors: list[FieldError] = []
    outcomes = []
    for procedure in procedures:
        pid = procedure["id"]
        outcome = (form.get(f"outcome.{pid}") or "").strip()
        note = (form.get(f"note.{pid}") or "").strip()
        if outcome not in labels:
            errors.append(FieldError(f"outcome.{pid}", "結果を選んでください。"))
        if len(note) > MAX_NOTE:
            errors.append(FieldError(f"note.{pid}", f"メモは{MAX_NOTE}文字以内で入力してください。"))
        outcomes.append({"id": pid, "outcome": outcome, **({"note": note} if note else {})})
    followup = form.get("followup_requested") in ("on", "true", "1", "yes", True)
    reason = (form.get("followup_reason") or "").strip()
    if followup and not reason:
        errors.append(FieldError("followup_reason", "フォローアップの電話で伝える内容・理由を入力してください。"))
    if len(reason) > MAX_NOTE:
        errors.append(FieldError("followup_reason", f"{MAX_NOTE}文字以内で入力してください。"))
    if errors:
        raise ValidationFailed(errors)
    data = {"checked_in_at": checked_in_at.isoformat(), "checked_out_at": checked_out_at.isoformat(),
            "outcomes": outcomes, "followup_requested": followup}
    if reason:
        data["followup_reason"] = reason
    return data


def complete_visit(session: Session, runtime: WorkflowRuntime, forms_dir: Path, actor: Actor, case_id: int,
                   form: dict, now: datetime | None = None) -> InstanceSummary:
    """Check out: the outcomes, notes and follow-up request complete the visit task, in the caller's transaction.
    Only after check-in (422 naming `check_in`); the check-out time is now."""
    data = visit_to_save(session, runtime, forms_dir, actor, case_id, form, now)
    _state, task = _open_visit(session, runtime, actor, case_id)
    row = ensure_row(session, case_id, runtime.instance_data(case_id, session=session))
    row.checked_out_at = datetime.fromisoformat(data["checked_out_at"])
    return runtime.complete_task(task.id, data, actor.username, session=session)


def visit_to_save(session: Session, runtime: WorkflowRuntime, forms_dir: Path, actor: Actor, case_id: int,
                  form: dict, now: datetime | None = None) -> dict:
    """What closing the visit now would save (the confirmation screen shows it), or ValidationFailed naming every
    problem: no check-in yet, a missing outcome, a follow-up without its reason."""
    state, _task = _open_visit(session, runtime, actor, case_id)
    checked_out = (now or now_jst()).astimezone(JST)
    row = ensure_row(session, case_id, runtime.instance_data(case_id, session=session))
    clock_errors = check_out_errors(row, checked_out, checked_out)
    procedures = visit_procedures(runtime.instance_data(case_id, session=session))
    checked_in = state.checked_in_at or checked_out
    try:
        data = visit_data(form, procedures, outcome_labels(forms_dir), checked_in, checked_out)
    except ValidationFailed as exc:
        raise ValidationFailed(clock_errors + list(exc.errors)) from None
    if clock_errors:
        raise ValidationFailed(clock_errors)
    errors = schema_errors(load_form(forms_dir, VISIT_FORM), data)
    if errors:
        raise ValidationFailed(errors)
    return data
