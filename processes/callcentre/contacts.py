"""Contact records (応対履歴): recorded, read, corrected the same day, softly deleted; each write is audited with
digests only (free text may hold personal data by mistake). A record whose outcome needs more work starts the
inquiry process (processes/callcentre/inquiry.py) in the same transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ProcessInstance
from engine.db.types import utcnow
from engine.runtime import WorkflowRuntime, audit
from processes.calendar.slots import JST
from processes.callcentre.access import (
    DELETERS,
    READERS,
    RECORDERS,
    check_correction,
    check_object_access,
    contact_not_found,
)
from processes.callcentre.input import read_changes, read_new_contact
from processes.callcentre.inquiry import PROCESS_OUTCOMES, start_inquiry
from processes.callcentre.models import CitizenVoice, ContactRecord
from processes.callcentre.personal_hints import personal_data_hints
from processes.callcentre.replies import send_email_answer
from processes.callcentre.vocabulary import COMPLETED_IN_CENTRE, DEFAULT_REPLY
from processes.faq.logs import cite as cite_faq
from processes.tasks.access import Actor, require
from processes.tasks.validation import FieldError, ValidationFailed

MAX_ID = 2**31 - 1


def _check_references(session: Session, values: dict, own_id: int | None = None) -> None:
    errors = []
    wanted = [i for i in values.get("related_contact_ids") or [] if i != own_id]
    if wanted:
        found = set(session.scalars(select(ContactRecord.id).where(ContactRecord.id.in_(wanted),
                                                                   ContactRecord.deleted_at.is_(None))))
        missing = [i for i in wanted if i not in found]
        if missing:
            errors.append(FieldError("related_contact_ids", f"応対番号 {'、'.join(map(str, missing))} はありません。"))
    if own_id is not None and own_id in (values.get("related_contact_ids") or []):
        errors.append(FieldError("related_contact_ids", "自分自身は参照先にできません。"))
    case_id = values.get("case_id")
    if case_id is not None:
        instance = session.get(ProcessInstance, case_id)
        if instance is None or instance.process_id != "okuyami_case":
            errors.append(FieldError("case_id", f"案件番号 {case_id} の案件はありません。"))
    if errors:
        raise ValidationFailed(errors, status=400, user_message="応対履歴の入力に誤りがあります。")


def _texts(values: dict) -> dict[str, str]:
    texts = {"question": values.get("question") or "", "answer": values.get("answer") or ""}
    if values.get("handover"):
        texts["handover.note"] = values["handover"].get("note") or ""
    if values.get("voice"):
        texts["voice.intent"] = values["voice"].get("intent") or ""
        texts["voice.said"] = values["voice"].get("said") or ""
    return texts


def _apply(record: ContactRecord, values: dict) -> None:
    for name in ("channel", "counterpart_type", "started_at", "ended_at", "category", "question", "answer", "outcome",
                 "faq_ids", "related_contact_ids", "case_id", "call_id", "reply_channel"):
        if name in values:
            setattr(record, name, values[name])
    if "caller" in values:
        caller = values["caller"] or {}
        record.caller_gender, record.caller_age_band = caller.get("gender"), caller.get("age_band")
        record.caller_satisfaction = caller.get("satisfaction")


def record_contact(session: Session, runtime: WorkflowRuntime, actor: Actor, body: dict,
                   now: datetime | None = None) -> tuple[ContactRecord, list[dict]]:
    """A new contact record (and its inquiry when the outcome needs one); returns it with the personal-data hints."""
    require(actor.role in RECORDERS)
    values = read_new_contact(body)
    _check_references(session, values)
    now = now or utcnow()
    record = ContactRecord(operator=actor.username, created_at=now, updated_at=now, wrapup_ended_at=now,
                           handover_note="", closed_reason=values["reason"], department_answer="")
    _apply(record, values)
    record.reply_channel = values["reply_channel"] or DEFAULT_REPLY[values["channel"]]
    if values["handover"]:
        record.handover_department, record.handover_ward = values["handover"]["department"], values["handover"]["ward"]
        record.handover_note = values["handover"]["note"]
    session.add(record)
    session.flush()
    for reference in record.faq_ids or []:
        cite_faq(session, reference)          # answering from an FAQ item counts as its use, as the search page does
    if values["voice"]:
        session.add(CitizenVoice(contact_id=record.id, kind=values["voice"]["kind"], intent=values["voice"]["intent"],
                                 said=values["voice"]["said"], department=values["voice"]["department"],
                                 cause="", measures="", prevention="", review_note=""))
    if values["outcome"] in PROCESS_OUTCOMES:
        start_inquiry(session, runtime, actor.username, record, values)
    if values["reply_email"] and record.reply_channel == "email" and record.answer:
        send_email_answer(session, record, values["reply_email"])
    audit.record(session, actor.username, "contact.created", after=_audited(record),
                 detail={"contact_id": record.id, "outcome": record.outcome, "channel": record.channel})
    return record, personal_data_hints(_texts(values))


def _audited(record: ContactRecord) -> dict:
    return {"question": record.question, "answer": record.answer, "category": record.category,
            "outcome": record.outcome}


def load_contact(session: Session, actor: Actor, contact_id: int, allowed=READERS) -> ContactRecord:
    check_object_access(actor, allowed)
    record = session.get(ContactRecord, contact_id) if 0 < contact_id <= MAX_ID else None
    if record is None or record.deleted_at is not None:
        raise contact_not_found()
    return record


def correct_contact(session: Session, actor: Actor, contact_id: int, body: dict,
                    now: datetime | None = None) -> tuple[ContactRecord, list[dict]]:
    record = load_contact(session, actor, contact_id, RECORDERS)
    now = now or utcnow()
    check_correction(actor, record.operator, record.created_at, now)
    values = read_changes(body)
    outcome = values.get("outcome")
    if outcome is not None and outcome != record.outcome and \
            (outcome in PROCESS_OUTCOMES or record.outcome in PROCESS_OUTCOMES):
        raise ValidationFailed([FieldError("outcome", "引継ぎ・折り返し・市の業務外・市民の声への変更や、そこからの変更は"
                                                      "できません。新しい応対として記録してください。")], status=400)
    _check_references(session, values, own_id=record.id)
    before = _audited(record)
    _apply(record, values)
    if record.ended_at is not None and record.ended_at < record.started_at:
        raise ValidationFailed([FieldError("ended_at", "終了日時は開始日時より後にしてください。")], status=400)
    record.updated_at, record.updated_by = now, actor.username
    audit.record(session, actor.username, "contact.corrected", before=before, after=_audited(record),
                 detail={"contact_id": record.id, "fields": sorted(values)})
    return record, personal_data_hints(_texts({"question": record.question, "answer": record.answer}))


def delete_contact(session: Session, actor: Actor, contact_id: int, now: datetime | None = None) -> None:
    record = load_contact(session, actor, contact_id, DELETERS)
    record.deleted_at, record.deleted_by = now or utcnow(), actor.username
    audit.record(session, actor.username, "contact.deleted", before=_audited(record),
                 detail={"contact_id": record.id})


def _jst(moment: datetime | None) -> str | None:
    return moment.astimezone(JST).isoformat() if moment is not None else None


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds()) if start is not None and end is not None else None


def contact_view(record: ContactRecord, voice: CitizenVoice | None = None) -> dict:
    """The record as the API answers it (and the screens show it): no callback details, ever."""
    view = {
        "id": record.id, "channel": record.channel, "counterpart_type": record.counterpart_type,
        "operator": record.operator, "started_at": _jst(record.started_at), "ended_at": _jst(record.ended_at),
        "after_call_work_ended_at": _jst(record.wrapup_ended_at),
        "talk_seconds": _seconds(record.started_at, record.ended_at),
        "after_call_seconds": _seconds(record.ended_at, record.wrapup_ended_at),
        "call_id": record.call_id, "category": record.category, "question": record.question,
        "answer": record.answer, "outcome": record.outcome,
        "completed_in_centre": record.outcome in COMPLETED_IN_CENTRE, "faq_ids": list(record.faq_ids or []),
        "related_contact_ids": list(record.related_contact_ids or []), "case_id": record.case_id,
        "caller": {"gender": record.caller_gender, "age_band": record.caller_age_band,
                   "satisfaction": record.caller_satisfaction},
        "reply_channel": record.reply_channel,
        "created_at": _jst(record.created_at), "updated_at": _jst(record.updated_at), "updated_by": record.updated_by,
    }
    if record.outcome in ("handed_over", "centre_callback"):
        view["handover"] = {"department": record.handover_department, "ward": record.handover_ward,
                            "note": record.handover_note}
    if record.inquiry_instance_id is not None:
        view["inquiry"] = {"instance_id": record.inquiry_instance_id, "state": record.inquiry_state,
                           "closed_reason": record.closed_reason or None,
                           "department_answer": record.department_answer or None,
                           "answered_by": record.department_answered_by,
                           "answered_at": _jst(record.department_answered_at)}
    if voice is not None:
        view["voice"] = {"kind": voice.kind, "intent": voice.intent, "said": voice.said,
                         "department": voice.department, "cause": voice.cause, "measures": voice.measures,
                         "prevention": voice.prevention, "review_note": voice.review_note,
                         "reviewed_by": voice.reviewed_by, "reviewed_at": _jst(voice.reviewed_at)}
    return view


def voice_of(session: Session, record: ContactRecord) -> CitizenVoice | None:
    return session.scalar(select(CitizenVoice).where(CitizenVoice.contact_id == record.id))


BOOKING_WINDOW = timedelta(hours=2)


def booking_candidates(session: Session, record: ContactRecord) -> list[ProcessInstance]:
    """The cases its operator booked from this call (started between the call's start and two hours after it was
    saved): linking one is a click, nothing is typed twice."""
    if record.case_id is not None or record.outcome != "booked":
        return []
    until = (record.wrapup_ended_at or record.started_at) + BOOKING_WINDOW
    return list(session.scalars(
        select(ProcessInstance).where(ProcessInstance.process_id == "okuyami_case",
                                      ProcessInstance.created_by == record.operator,
                                      ProcessInstance.created_at >= record.started_at,
                                      ProcessInstance.created_at <= until)
        .order_by(ProcessInstance.created_at.desc()).limit(5)))
