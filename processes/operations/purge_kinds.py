"""What each kind of data is when its retention has passed: one function per kind, `(session, up_to, dry_run) ->
how many`, counting (dry run) or deleting everything of that kind older than `up_to`.

- case_personal_data: a process instance that ended before `up_to` goes whole (its workflow blob holds the names,
  addresses and answers), with its tasks, their drafts, its timers, its visit row (family names) and its packet.
  Contact records keep their plain case number; the case screen then answers that the case does not exist. An
  instance an incident report names stays (the report is kept apart from this retention).
- print_packets: a packet whose visit day (or, without a visit, whose last change) is before `up_to`.
- contact_records: records started before `up_to`, with their callback details and citizen-voice reviews.
- contact_callbacks: callback details (name, phone, best time) taken before `up_to` whose inquiry never closed.
- faq_search_logs: raw FAQ search logs and item uses (the counts per query stay).
- staff_sessions: sign-in sessions last used before `up_to` (long expired: the idle limit is hours).
- notifications: notifications and their e-mail outbox rows.
- survey_answers: satisfaction survey answers (anonymous: a ward, a week, points and a comment) answered before
  `up_to`'s day (Tokyo).
- public_requests: what the public side sent (booking requests, inquiries, unreadable survey answers) received
  before `up_to`, whatever its state: taken into a case or a contact record, kept for the supervisor, or settled.
- report_files: report files built for download (XLSX, PDF, meeting packs) that finished, or failed, before
  `up_to`; builds still queued or running stay. The report's figures and its versions are not files and stay: a
  file gone is built again from the report page.
- audit_log: audit entries and their chain links; the chain is sealed first and the last deleted link's hash is
  returned as the anchor the remaining chain starts from (see purge.py).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.orm import Session

from engine.db.models import AuditEntry, HumanTask, ProcessInstance, Timer
from processes.callcentre.models import CitizenVoice, ContactCallback, ContactRecord
from processes.documents.models import CasePacket
from processes.faq.models import FaqItemUse, FaqSearchLog
from processes.notifications.models import Notification, OutboxMessage
from processes.okuyami.visit_models import CaseVisit
from processes.operations.audit_chain import seal
from processes.operations.models import AuditChainLink, AuditPurgePermit
from processes.public.models import PublicRequest, SurveyAnswer
from processes.reports.models import DONE, FAILED, Incident, ReportBuild
from processes.staff.models import StaffSession
from processes.tasks.drafts.models import TaskDraft

TOKYO = ZoneInfo("Asia/Tokyo")


def _count(session: Session, ids: Select) -> int:
    return session.scalar(select(func.count()).select_from(ids.subquery())) or 0


def case_personal_data(session: Session, up_to: datetime, dry_run: bool) -> int:
    incidents = select(Incident.instance_id).where(Incident.instance_id.is_not(None))
    ended = select(ProcessInstance.id).where(ProcessInstance.ended_at.is_not(None), ProcessInstance.ended_at < up_to,
                                             ProcessInstance.id.not_in(incidents))
    count = _count(session, ended)
    if dry_run or not count:
        return count
    ids = list(session.scalars(ended))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        tasks = select(HumanTask.id).where(HumanTask.instance_id.in_(chunk))
        session.execute(delete(TaskDraft).where(TaskDraft.task_id.in_(tasks)))
        session.execute(delete(HumanTask).where(HumanTask.instance_id.in_(chunk)))
        session.execute(delete(Timer).where(Timer.instance_id.in_(chunk)))
        session.execute(delete(CasePacket).where(CasePacket.case_id.in_(chunk)))
        session.execute(delete(CaseVisit).where(CaseVisit.instance_id.in_(chunk)))
        session.execute(delete(ProcessInstance).where(ProcessInstance.id.in_(chunk)))
    return count


def print_packets(session: Session, up_to: datetime, dry_run: bool) -> int:
    last_day = up_to.astimezone(TOKYO).date()
    visited_before = select(CaseVisit.instance_id).where(CaseVisit.visit_on < last_day)
    with_visit = select(CaseVisit.instance_id).where(CaseVisit.visit_on.is_not(None))
    old = select(CasePacket.case_id).where(or_(
        CasePacket.case_id.in_(visited_before),
        CasePacket.case_id.not_in(with_visit) & (CasePacket.updated_at < up_to)))
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(CasePacket).where(CasePacket.case_id.in_(old)))
    return count


def contact_records(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(ContactRecord.id).where(ContactRecord.started_at < up_to)
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(ContactCallback).where(ContactCallback.contact_id.in_(old)))
        session.execute(delete(CitizenVoice).where(CitizenVoice.contact_id.in_(old)))
        session.execute(delete(ContactRecord).where(ContactRecord.started_at < up_to))
    return count


def contact_callbacks(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(ContactCallback.id).where(ContactCallback.created_at < up_to)
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(ContactCallback).where(ContactCallback.created_at < up_to))
    return count


def faq_search_logs(session: Session, up_to: datetime, dry_run: bool) -> int:
    count = (_count(session, select(FaqSearchLog.id).where(FaqSearchLog.at < up_to))
             + _count(session, select(FaqItemUse.id).where(FaqItemUse.at < up_to)))
    if not dry_run and count:
        session.execute(delete(FaqSearchLog).where(FaqSearchLog.at < up_to))
        session.execute(delete(FaqItemUse).where(FaqItemUse.at < up_to))
    return count


def staff_sessions(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(StaffSession.id).where(StaffSession.last_seen_at < up_to)
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(StaffSession).where(StaffSession.last_seen_at < up_to))
    return count


def notifications(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(Notification.id).where(Notification.created_at < up_to)
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(OutboxMessage).where(OutboxMessage.notification_id.in_(old)))
        session.execute(delete(Notification).where(Notification.created_at < up_to))
    return count


def survey_answers(session: Session, up_to: datetime, dry_run: bool) -> int:
    last_day = up_to.astimezone(TOKYO).date()
    count = _count(session, select(SurveyAnswer.id).where(SurveyAnswer.answered_on < last_day))
    if not dry_run and count:
        session.execute(delete(SurveyAnswer).where(SurveyAnswer.answered_on < last_day))
    return count


def public_requests(session: Session, up_to: datetime, dry_run: bool) -> int:
    count = _count(session, select(PublicRequest.id).where(PublicRequest.received_at < up_to))
    if not dry_run and count:
        session.execute(delete(PublicRequest).where(PublicRequest.received_at < up_to))
    return count


def report_files(session: Session, up_to: datetime, dry_run: bool) -> int:
    old = select(ReportBuild.id).where(ReportBuild.state.in_((DONE, FAILED)),
                                       func.coalesce(ReportBuild.finished_at, ReportBuild.requested_at) < up_to)
    count = _count(session, old)
    if not dry_run and count:
        session.execute(delete(ReportBuild).where(ReportBuild.id.in_(old)))
    return count


def delete_audit_entries(session: Session, up_to_id: int | None, reason: str) -> None:
    """Deletes audit entries (all of them, or those up to id `up_to_id`) with their links, under a permit that
    exists only inside this transaction (the append-only trigger refuses any other DELETE)."""
    permit = AuditPurgePermit(reason=reason)
    session.add(permit)
    session.flush()
    if up_to_id is None:
        session.execute(delete(AuditChainLink))
        session.execute(delete(AuditEntry))
    else:
        session.execute(delete(AuditChainLink).where(AuditChainLink.audit_id <= up_to_id))
        session.execute(delete(AuditEntry).where(AuditEntry.id <= up_to_id))
    session.delete(permit)
    session.flush()


def audit_log(session: Session, up_to: datetime, dry_run: bool) -> tuple[int, str | None]:
    """How many entries are due and, when deleted, the hash of the last deleted link (the chain's new anchor).
    The cut is by id (the chain's order): every entry up to the last one recorded before `up_to`."""
    last_id = session.scalar(select(func.max(AuditEntry.id)).where(AuditEntry.at < up_to))
    if last_id is None:
        return 0, None
    count = _count(session, select(AuditEntry.id).where(AuditEntry.id <= last_id))
    if dry_run:
        return count, None
    seal(session)
    anchor = session.scalar(select(AuditChainLink.entry_hash).where(AuditChainLink.audit_id == last_id))
    delete_audit_entries(session, last_id, "retention")
    return count, anchor
