"""The inquiry process (bpmn/inquiry.bpmn) around a contact record, and the callback details kept apart.

A contact that the centre could not close in the call starts the process in the same transaction:
- handed_over: the routing table (dmn/inquiry_routing.dmn) or the operator's choice names the department; its
  staff get the callback task, due after the `callback_deadline` decision's business days, with an overdue
  notice and an escalation to the supervisors like every task;
- centre_callback: the operators' own callback task;
- citizen_voice: a supervisor's review (a complaint needs its cause, measures and prevention, spec 11);
- not_city_matter: closes at once with the reason.
The callback details (name, phone, best time) never enter the workflow: they live in `contact_callbacks`,
encrypted, read only by the people calling back (audited), and are deleted when the callback is recorded.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.db.types import utcnow
from engine.runtime import WorkflowRuntime, audit
from processes.calendar import JST, BusinessCalendar
from processes.calendar.deadline_rules import timer_time
from processes.callcentre.access import CALLBACK_READERS
from processes.callcentre.models import CLOSED, OPEN, CitizenVoice, ContactCallback, ContactRecord
from processes.callcentre.routing import callback_rules
from processes.tasks.access import Actor, not_found
from processes.tasks.validation import FieldError, ValidationFailed

INQUIRY_PROCESS = "inquiry"
PROCESS_OUTCOMES = frozenset({"handed_over", "centre_callback", "citizen_voice", "not_city_matter"})
CALLBACK_FORM = "inquiry_callback.json"
VOICE_FORM = "citizen_voice_review.json"
INQUIRY_FORMS = frozenset({CALLBACK_FORM, VOICE_FORM})
COMPLAINT_FIELDS = {"cause": "原因", "measures": "対応策", "prevention": "再発防止策"}
UNREACHABLE = "unreachable"


def callback_deadlines(channel: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """When the callback is due (the rules' business days from today, 17:00) and when it goes to a supervisor."""
    rules = callback_rules(channel)
    calendar = BusinessCalendar.default()
    today = (now or utcnow()).astimezone(JST).date()
    due = calendar.deadline_on(calendar.add_business_days(today, rules["business_days"]))
    escalation = calendar.deadline_on(calendar.add_business_days(due.date(), rules["escalation_business_days"]))
    return timer_time(due), timer_time(escalation)


def start_inquiry(session: Session, runtime: WorkflowRuntime, actor: str, record: ContactRecord, values: dict) -> None:
    handover, voice = values.get("handover") or {}, values.get("voice") or {}
    # What the person doing the task reads sits under `assignment`: a department's task shows only that.
    assignment = {"contact_number": str(record.id), "category": record.category, "question": record.question,
                  "centre_answer": record.answer, "handover_note": handover.get("note") or "",
                  "department": handover.get("department"), "voice_kind": voice.get("kind"),
                  "voice_intent": voice.get("intent"), "voice_department": voice.get("department")}
    data = {"contact_id": record.id, "outcome": record.outcome, "channel": record.channel,
            "category": record.category, "handover_department": handover.get("department"),
            "ward": handover.get("ward"), "voice_kind": voice.get("kind"),
            "assignment": {k: v for k, v in assignment.items() if v not in (None, "")}}
    if handover:
        due, escalation = callback_deadlines(record.channel)
        data.update(callback_due=due.isoformat(), callback_escalation_due=escalation.isoformat())
        session.add(ContactCallback(contact_id=record.id, name=handover["callback_name"].encode("utf-8"),
                                    phone=handover["callback_phone"].encode("utf-8"),
                                    best_time=(handover.get("callback_time") or "").encode("utf-8")))
    summary = runtime.start(INQUIRY_PROCESS, actor, data, ward=handover.get("ward"), session=session)
    record.inquiry_instance_id, record.inquiry_state = summary.id, OPEN
    if summary.status == "completed":
        close_inquiry(session, record, actor)


def close_inquiry(session: Session, record: ContactRecord, actor: str) -> None:
    """The inquiry is over: its callback details are deleted (the record keeps what was answered)."""
    removed = session.execute(delete(ContactCallback).where(ContactCallback.contact_id == record.id)).rowcount
    record.inquiry_state = CLOSED
    audit.record(session, actor, "inquiry.closed", instance_id=record.inquiry_instance_id,
                 detail={"contact_id": record.id, "outcome": record.outcome, "callback_deleted": bool(removed)})


def inquiry_errors(session: Session, runtime: WorkflowRuntime, task: HumanTask, data: dict) -> None:
    """A complaint's review closes only with its cause, measures and prevention (ValidationFailed otherwise)."""
    if task.form != VOICE_FORM:
        return
    if runtime.task_data(task.id, session=session).get("voice_kind") != "complaint":
        return
    missing = [FieldError(key, f"苦情は{label}を記入してから完了してください。") for key, label in COMPLAINT_FIELDS.items()
               if not str(data.get(key) or "").strip()]
    if missing:
        raise ValidationFailed(missing, user_message="苦情の原因・対応策・再発防止策をすべて記入してください。")


def record_inquiry_result(session: Session, runtime: WorkflowRuntime, task: HumanTask, data: dict, actor: str) -> None:
    """After an inquiry task was completed: the answer onto the contact record, and the inquiry closed."""
    if task.form not in INQUIRY_FORMS:
        return
    record = _record_by_instance(session, task.instance_id)
    if record is None:
        return
    now = utcnow()
    if task.form == CALLBACK_FORM:
        answer = str(data.get("callback_answer") or "")
        if data.get("result") == UNREACHABLE:
            answer = f"（連絡がつかなかった）{answer}"
        record.department_answer, record.department_answered_by = answer, actor
        record.department_answered_at = _moment(data.get("called_at")) or now
    else:
        voice = session.scalar(select(CitizenVoice).where(CitizenVoice.contact_id == record.id))
        if voice is not None:
            voice.review_note = str(data.get("review_note") or "")
            voice.cause, voice.measures = str(data.get("cause") or ""), str(data.get("measures") or "")
            voice.prevention = str(data.get("prevention") or "")
            voice.reviewed_by, voice.reviewed_at = actor, now
    close_inquiry(session, record, actor)


def _record_by_instance(session: Session, instance_id: int) -> ContactRecord | None:
    return session.scalar(select(ContactRecord).where(ContactRecord.inquiry_instance_id == instance_id))


def _moment(value) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def callback_details(session: Session, actor: Actor, task: HumanTask) -> dict | None:
    """The name, phone and best time for the person calling back (audited); None once the inquiry closed."""
    if actor.role not in CALLBACK_READERS or task.form != CALLBACK_FORM:
        raise not_found("task")
    record = _record_by_instance(session, task.instance_id)
    row = session.scalar(select(ContactCallback).where(ContactCallback.contact_id == record.id)) if record else None
    if row is None:
        return None
    audit.record(session, actor.username, "contact.callback_viewed", instance_id=task.instance_id,
                 detail={"contact_id": record.id, "task": task.id})
    return {"name": row.name.decode("utf-8"), "phone": row.phone.decode("utf-8"),
            "best_time": row.best_time.decode("utf-8")}
