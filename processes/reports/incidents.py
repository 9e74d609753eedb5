"""Incident reports (随時報告): a member of staff drafts what happened (when, who was affected, personal data
involved or not, immediate response, cause, measures, recurrence prevention); the incident process
(bpmn/incident.bpmn) hands it to a supervisor's review; submitting it to the city records the time and notifies the
city's process owners, the supervisors and the admins. The monthly report lists the incidents (kind, day, personal
data or not, state: never the account itself, which may name people and is kept encrypted; reading it is audited).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import User
from engine.db.types import utcnow
from engine.errors import NotFound
from engine.runtime import WorkflowRuntime, audit
from processes.calendar.slots import JST
from processes.notifications.store import notify
from processes.reports.access import READERS
from processes.reports.incident_vocabulary import ACCOUNT_FIELDS, INCIDENT_KINDS, REQUIRED_ACCOUNT_FIELDS
from processes.reports.models import REVIEW, SUBMITTED, WITHDRAWN, Incident
from processes.tasks.access import Actor, require
from processes.tasks.form_rules import Completion, FormRules
from processes.tasks.validation import FieldError, ValidationFailed

INCIDENT_PROCESS = "incident"
REVIEW_FORM = "incident_review.json"
REPORTERS = frozenset({"operator", "supervisor", "counter", "admin"})
NOTIFIED_ROLES = ("process_owner", "supervisor", "admin")
MAX_TEXT = 2000
TRUE_WORDS = {True, "true", "1", "yes", "on", "あり"}
FALSE_WORDS = {False, "false", "0", "no", "off", "なし"}


def _moment(value) -> datetime | None:
    """An ISO moment; one without an offset is Tokyo time (what a datetime-local field sends)."""
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


def read_values(values: dict, now: datetime | None = None) -> dict:
    """The draft's fields checked; ValidationFailed names every field that is missing or wrong, in Japanese."""
    errors: list[FieldError] = []
    kind = str(values.get("kind") or "")
    if kind not in INCIDENT_KINDS:
        errors.append(FieldError("kind", "種別を選んでください（" + "・".join(INCIDENT_KINDS.values()) + "）。"))
    occurred = _moment(values.get("occurred_at") or "")
    if occurred is None:
        errors.append(FieldError("occurred_at", "発生日時を日付と時刻で入力してください（日本時間。APIでは 年-月-日T時:分 の形）。"))
    elif occurred > (now or utcnow()):
        errors.append(FieldError("occurred_at", "発生日時に未来の日時は指定できません。"))
    personal = values.get("personal_data")
    if isinstance(personal, str):
        personal = personal.strip().lower()
    if not isinstance(personal, bool | str) or personal not in TRUE_WORDS | FALSE_WORDS:
        errors.append(FieldError("personal_data", "個人情報が関係するかどうか（あり・なし）を選んでください。"))
    account = {}
    for key, label in ACCOUNT_FIELDS.items():
        text = str(values.get(key) or "").replace("\r\n", "\n").strip()
        if key in REQUIRED_ACCOUNT_FIELDS and not text:
            errors.append(FieldError(key, f"{label}を入力してください。"))
        elif len(text) > MAX_TEXT:
            errors.append(FieldError(key, f"{label}は{MAX_TEXT}文字以内で入力してください。"))
        account[key] = text
    if errors:
        raise ValidationFailed(errors, user_message="随時報告の入力内容を確認してください。")
    return {"kind": kind, "occurred_at": occurred, "personal_data": personal in TRUE_WORDS, "account": account}


def create_incident(session: Session, runtime: WorkflowRuntime, actor: Actor, values: dict) -> Incident:
    """Draft an incident report and start its review, in the caller's transaction."""
    require(actor.role in REPORTERS)
    checked = read_values(values)
    row = Incident(kind=checked["kind"], occurred_at=checked["occurred_at"], personal_data=checked["personal_data"],
                   state=REVIEW, account=json.dumps(checked["account"], ensure_ascii=False).encode("utf-8"),
                   created_at=utcnow(), created_by=actor.username)
    session.add(row)
    session.flush()
    assignment = {"number": f"第{row.id}号", "kind": row.kind,
                  "occurred_at": checked["occurred_at"].astimezone(JST).isoformat(),
                  "personal_data": "あり" if row.personal_data else "なし",
                  **{k: v for k, v in checked["account"].items() if v}}
    summary = runtime.start(INCIDENT_PROCESS, actor.username, {"incident_id": row.id, "assignment": assignment},
                            session=session)
    row.instance_id = summary.id
    audit.record(session, actor.username, "incident.created", instance_id=summary.id,
                 detail={"incident": row.id, "kind": row.kind, "personal_data": row.personal_data})
    return row


def summary_of(row: Incident) -> dict:
    """What lists and reports show: no account text."""
    return {"id": row.id, "kind": row.kind, "kind_label": INCIDENT_KINDS.get(row.kind, row.kind),
            "occurred_at": row.occurred_at.isoformat(), "personal_data": row.personal_data, "state": row.state,
            "created_at": row.created_at.isoformat(), "created_by": row.created_by,
            "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
            "reviewed_by": row.reviewed_by, "instance_id": row.instance_id}


def list_incidents(session: Session, actor: Actor, limit: int = 200) -> list[Incident]:
    require(actor.role in READERS)
    return list(session.scalars(select(Incident).order_by(Incident.occurred_at.desc(), Incident.id.desc())
                                .limit(limit)))


def read_incident(session: Session, actor: Actor, incident_id: int) -> tuple[Incident, dict]:
    """One incident with its account (audited: the account may name people)."""
    require(actor.role in READERS)
    row = session.get(Incident, incident_id)
    if row is None:
        raise NotFound(f"incident {incident_id} not found", user_message="指定された随時報告は見つかりません。")
    audit.record(session, actor.username, "incident.read", instance_id=row.instance_id,
                 detail={"incident": row.id, "personal_data_read": True})
    return row, row.account_fields()


def _incident_of(session: Session, instance_id: int) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.instance_id == instance_id))


def _record_review(c: Completion) -> None:
    row = _incident_of(c.session, c.task.instance_id)
    if row is None:
        return
    account = row.account_fields()
    for key in ("cause", "measures", "prevention"):
        text = str(c.data.get(key) or "").strip()
        if text:
            account[key] = text
    account["review_note"] = str(c.data.get("review_note") or "").strip()
    row.account = json.dumps(account, ensure_ascii=False).encode("utf-8")
    row.reviewed_by = c.actor
    if c.data.get("decision") != "submit":
        row.state = WITHDRAWN
        return
    row.state, row.submitted_at = SUBMITTED, utcnow()
    audit.record(c.session, c.actor, "incident.submitted", instance_id=row.instance_id,
                 detail={"incident": row.id, "kind": row.kind})
    recipients = c.session.scalars(select(User.username).where(User.role.in_(NOTIFIED_ROLES),
                                                               User.active.is_(True))).all()
    title = f"随時報告 第{row.id}号（{INCIDENT_KINDS.get(row.kind, row.kind)}）が市へ提出されました"
    for username in sorted(set(recipients) - {c.actor}):
        notify(c.session, username, "incident_submitted", title, link=f"/incidents/{row.id}",
               instance_id=row.instance_id, mail=(title, f"{title}。内容はシステムの随時報告の画面で確認してください。"))


def register(rules: FormRules) -> None:
    rules.after_completion({REVIEW_FORM}, _record_review)
