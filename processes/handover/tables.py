"""What the handover holds, read from the database: plain tables (no personal data: a case is its case number, a
contact its record number) and, apart, the personal data that only the sealed archive may carry."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask, ModelFile, ProcessInstance, ProcessVersion, User
from engine.runtime import WorkflowRuntime
from processes.callcentre.models import CitizenVoice, ContactCallback, ContactRecord
from processes.documents.models import FormTemplateVersion
from processes.faq.models import FaqCategory, FaqItem, FaqItemCategory
from processes.okuyami.case_view import SUMMARY_KEYS
from processes.okuyami.cases import CASE_PROCESS
from processes.okuyami.catalogue_store import CatalogueVersion
from processes.reports.models import Incident, ReportVersion
from processes.roles import ROLES
from processes.tasks.access import PERSONAL_KEYS

JST = ZoneInfo("Asia/Tokyo")
CASE_STATES = {"open": "対応中（担当者の作業待ち）", "waiting": "待機中（期日・連絡を待っている）",
               "closed": "完了", "cancelled": "取消"}
CONTACT_TEXT = ("question", "answer", "handover_note", "department_answer", "closed_reason")
VOICE_TEXT = ("intent", "said", "cause", "measures", "prevention", "review_note")


@dataclass
class Handover:
    tables: dict[str, tuple[list[str], list[list]]] = field(default_factory=dict)
    documents: dict[str, object] = field(default_factory=dict)
    """JSON files of the plain side (name -> content)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Model and template files (relative path -> bytes)."""
    personal: dict[str, object] = field(default_factory=dict)


def cell(value) -> object:
    if isinstance(value, datetime):
        return value.astimezone(JST).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def _table(handover: Handover, name: str, header: list[str], rows) -> None:
    handover.tables[name] = (header, [[cell(v) for v in row] for row in rows])


def _case_state(instance: ProcessInstance, data: dict, open_tasks: list[HumanTask]) -> str:
    if "cancelled_on" in data or instance.status == "CANCELLED":
        return "cancelled"
    if open_tasks:
        return "open"
    return "closed" if instance.ended_at is not None or "closed_on" in data else "waiting"


def collect_cases(session: Session, runtime: WorkflowRuntime, handover: Handover) -> None:
    instances = list(session.scalars(select(ProcessInstance).where(ProcessInstance.process_id == CASE_PROCESS)
                                     .order_by(ProcessInstance.id)))
    ready = {}
    for task in session.scalars(select(HumanTask).where(HumanTask.state == "READY").order_by(HumanTask.due_at, HumanTask.id)):
        ready.setdefault(task.instance_id, []).append(task)
    cases, procedures, personal = [], [], {}
    for instance in instances:
        data = runtime.instance_data(instance.id, session=session)
        tasks = ready.get(instance.id, [])
        outcomes = {o.get("id"): o.get("outcome") for o in data.get("outcomes") or [] if isinstance(o, dict)}
        state = _case_state(instance, data, tasks)
        chosen = [p for p in data.get("procedures") or [] if isinstance(p, dict)]
        cases.append([instance.id, state, CASE_STATES[state], instance.ward or data.get("ward"),
                      data.get("channel"), instance.process_version.version if instance.process_version else "",
                      " / ".join(t.title for t in tasks), " / ".join(t.assignee or "（未着手）" for t in tasks),
                      min((t.due_at for t in tasks if t.due_at), default=None),
                      " / ".join(f"{p.get('name') or p.get('id')}" for p in chosen),
                      " / ".join(f"{p.get('name') or p.get('id')}:{outcomes[p.get('id')]}" for p in chosen
                                 if outcomes.get(p.get("id"))),
                      data.get("slot_start"), data.get("closed_on"), data.get("cancelled_on"),
                      instance.created_at, instance.updated_at])
        for p in chosen:
            procedures.append([instance.id, p.get("id"), p.get("name"), p.get("department"), p.get("status") or "selected",
                               outcomes.get(p.get("id"))])
        people = {k: v for k, v in data.items() if k in PERSONAL_KEYS}
        if people:
            personal[str(instance.id)] = people
        handover.documents.setdefault("cases.json", []).append(
            {"case_number": instance.id, "state": state, "summary": {k: data[k] for k in SUMMARY_KEYS if k in data},
             "procedures": [{k: v for k, v in p.items() if k not in PERSONAL_KEYS} for p in chosen],
             "outcomes": outcomes})
    handover.documents.setdefault("cases.json", [])
    _table(handover, "cases.csv", ["case_number", "state", "state_label", "ward", "channel", "model_version",
                                   "open_task", "holder", "deadline", "procedures", "outcomes", "slot_start",
                                   "closed_on", "cancelled_on", "created_at", "updated_at"], cases)
    _table(handover, "case_procedures.csv", ["case_number", "procedure", "procedure_name", "department", "status",
                                             "outcome"], procedures)
    handover.personal["cases.json"] = personal


def collect_tasks(session: Session, handover: Handover) -> None:
    rows = session.execute(select(HumanTask.id, HumanTask.instance_id, ProcessInstance.process_id, HumanTask.spec_name,
                                  HumanTask.title, HumanTask.role, HumanTask.ward, HumanTask.department,
                                  HumanTask.assignee, HumanTask.due_at, HumanTask.created_at)
                           .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                           .where(HumanTask.state == "READY").order_by(HumanTask.due_at, HumanTask.id))
    _table(handover, "open_tasks.csv", ["task_number", "case_number", "process", "step", "title", "role", "ward",
                                        "department", "holder", "deadline", "created_at"], rows)


def collect_contacts(session: Session, handover: Handover) -> None:
    records = list(session.scalars(select(ContactRecord).where(ContactRecord.deleted_at.is_(None))
                                   .order_by(ContactRecord.id)))
    columns = ["id", "channel", "counterpart_type", "operator", "started_at", "ended_at", "category", "outcome",
               "reply_channel", "faq_ids", "case_id", "handover_department", "handover_ward", "inquiry_instance_id",
               "inquiry_state", "department_answered_by", "department_answered_at", "created_at", "updated_at"]
    _table(handover, "contacts.csv", columns, ([getattr(r, c) for c in columns] for r in records))
    handover.personal["contacts_text.json"] = {str(r.id): {c: getattr(r, c) for c in CONTACT_TEXT if getattr(r, c)}
                                               for r in records}
    callbacks = list(session.scalars(select(ContactCallback).order_by(ContactCallback.id)))
    by_id = {r.id: r for r in records}
    _table(handover, "open_handovers.csv", ["contact_id", "outcome", "handover_department", "handover_ward",
                                            "inquiry_instance_id", "inquiry_state", "callback", "started_at"],
           ([r.id, r.outcome, r.handover_department, r.handover_ward, r.inquiry_instance_id, r.inquiry_state,
             any(c.contact_id == r.id for c in callbacks), r.started_at] for r in records
            if (r.handover_department or r.handover_ward or r.inquiry_instance_id) and r.inquiry_state != "closed"))
    _table(handover, "callbacks.csv", ["callback_id", "contact_id", "contact_outcome", "created_at"],
           ([c.id, c.contact_id, by_id[c.contact_id].outcome if c.contact_id in by_id else "", c.created_at]
            for c in callbacks))
    handover.personal["callbacks.json"] = {str(c.id): {"contact_id": c.contact_id, "name": _text(c.name),
                                                       "phone": _text(c.phone), "best_time": _text(c.best_time)}
                                           for c in callbacks}
    voices = list(session.scalars(select(CitizenVoice).order_by(CitizenVoice.id)))
    _table(handover, "citizen_voices.csv", ["id", "contact_id", "kind", "department", "reviewed_by", "reviewed_at"],
           ([v.id, v.contact_id, v.kind, v.department, v.reviewed_by, v.reviewed_at] for v in voices))
    handover.personal["citizen_voices_text.json"] = {str(v.id): {c: getattr(v, c) for c in VOICE_TEXT if getattr(v, c)}
                                                     for v in voices}


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else (value or "")


def collect_faq(session: Session, handover: Handover) -> None:
    items = list(session.scalars(select(FaqItem).where(FaqItem.deleted_at.is_(None)).order_by(FaqItem.number)))
    links = {}
    for item_id, category_id in session.execute(select(FaqItemCategory.item_id, FaqItemCategory.category_id)):
        links.setdefault(item_id, []).append(category_id)
    _table(handover, "faq_items.csv", ["number", "question", "answer", "keywords", "categories", "published",
                                       "publish_start", "publish_end", "audience", "version", "updated_at"],
           ([i.number, i.question, i.answer, i.keywords, sorted(links.get(i.id, [])), i.published, i.publish_start,
             i.publish_end, i.audience, i.version, i.updated_at] for i in items))
    _table(handover, "faq_categories.csv", ["id", "name", "parent_id", "position"],
           session.execute(select(FaqCategory.id, FaqCategory.name, FaqCategory.parent_id, FaqCategory.position)
                           .order_by(FaqCategory.id)))


def collect_reports(session: Session, handover: Handover) -> None:
    reports = list(session.scalars(select(ReportVersion).order_by(ReportVersion.kind, ReportVersion.period,
                                                                  ReportVersion.version)))
    _table(handover, "report_versions.csv", ["id", "kind", "period", "version", "state", "created_by", "created_at",
                                             "finalised_by", "finalised_at"],
           ([r.id, r.kind, r.period, r.version, r.state, r.created_by, r.created_at, r.finalised_by, r.finalised_at]
            for r in reports))
    handover.documents["reports.json"] = [
        {"id": r.id, "kind": r.kind, "period": r.period, "version": r.version, "state": r.state, "figures": r.figures,
         "remarks": r.remarks, "issues": r.issues, "improvements": r.improvements} for r in reports]
    incidents = list(session.scalars(select(Incident).order_by(Incident.id)))
    _table(handover, "incidents.csv", ["id", "case_number", "kind", "occurred_at", "personal_data", "state",
                                       "created_by", "reviewed_by", "submitted_at"],
           ([i.id, i.instance_id, i.kind, i.occurred_at, i.personal_data, i.state, i.created_by, i.reviewed_by,
             i.submitted_at] for i in incidents))
    handover.personal["incidents_text.json"] = {str(i.id): i.account_fields() for i in incidents}


def collect_models(session: Session, handover: Handover) -> None:
    files = list(session.scalars(select(ModelFile).order_by(ModelFile.name, ModelFile.version)))
    rows = []
    for f in files:
        path = f"models/{f.kind}/v{f.version}/{f.name}"
        handover.files[path] = f.content.encode("utf-8")
        rows.append([f.kind, f.name, f.version, f.content_hash, f.deployed_at, f.deployed_by, f.comment, path])
    _table(handover, "model_files.csv", ["kind", "name", "version", "content_hash", "deployed_at", "deployed_by",
                                         "comment", "file"], rows)
    _table(handover, "process_versions.csv", ["process_id", "version", "name", "deployed_at", "deployed_by", "comment"],
           session.execute(select(ProcessVersion.process_id, ProcessVersion.version, ProcessVersion.name,
                                  ProcessVersion.deployed_at, ProcessVersion.deployed_by, ProcessVersion.comment)
                           .order_by(ProcessVersion.process_id, ProcessVersion.version)))
    catalogue = []
    for c in session.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id)):
        path = f"catalogue/{c.id:04d}.yaml"
        handover.files[path] = c.content.encode("utf-8")
        catalogue.append([c.id, c.version_label, c.effective_from, c.deployed_at, c.deployed_by, c.comment, path])
    _table(handover, "catalogue_versions.csv", ["id", "version_label", "effective_from", "deployed_at", "deployed_by",
                                                "comment", "file"], catalogue)
    templates = []
    for t in session.scalars(select(FormTemplateVersion).order_by(FormTemplateVersion.name, FormTemplateVersion.version)):
        path = f"templates/{t.name}/v{t.version}.docx"
        handover.files[path] = t.content
        templates.append([t.name, t.version, t.content_hash, t.fields, t.uploaded_at, t.uploaded_by, t.comment, path])
    _table(handover, "form_templates.csv", ["name", "version", "content_hash", "fields", "uploaded_at", "uploaded_by",
                                            "comment", "file"], templates)


def collect_users(session: Session, handover: Handover) -> None:
    _table(handover, "users.csv", ["username", "display_name", "role", "role_label", "ward", "department", "active",
                                   "created_at"],
           ([u.username, u.display_name, u.role, ROLES.get(u.role, u.role), u.ward, u.department, u.active,
             u.created_at] for u in session.scalars(select(User).order_by(User.username))))
    _table(handover, "roles.csv", ["role", "role_label"], ROLES.items())


def collect(session: Session, runtime: WorkflowRuntime, with_personal: bool) -> Handover:
    handover = Handover()
    collect_cases(session, runtime, handover)
    collect_tasks(session, handover)
    collect_contacts(session, handover)
    collect_faq(session, handover)
    collect_reports(session, handover)
    collect_models(session, handover)
    collect_users(session, handover)
    if not with_personal:
        handover.personal = {}
    return handover
