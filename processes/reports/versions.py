"""Report versions: a report (kind + period) has at most one open draft; finalising freezes it with the figures of
that moment; a correction of a finalised report opens a new draft with the next version number, and every
finalised version stays readable. The supervisor's texts (所見, 課題, 業務改善策) travel with the version; a monthly
report's 課題 and 業務改善策 start from the previous month's, so that the measures can be followed month to month.
Every function works in the caller's transaction (one per user action)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound, TaskConflict
from engine.runtime import audit
from processes.reports.access import MAKERS
from processes.reports.models import DRAFT, FINAL, ReportVersion
from processes.tasks.access import Actor, require
from processes.tasks.validation import FieldError, ValidationFailed

TEXT_FIELDS = {"remarks": "所見", "issues": "課題", "improvements": "業務改善策"}
MAX_TEXT = 4000


def history(session: Session, kind: str, period: str) -> list[ReportVersion]:
    """Every version of the report, newest first."""
    return list(session.scalars(select(ReportVersion).where(ReportVersion.kind == kind, ReportVersion.period == period)
                                .order_by(ReportVersion.version.desc())))


def recent(session: Session, limit: int = 30) -> list[ReportVersion]:
    """The versions changed last, for the reports' start page."""
    return list(session.scalars(select(ReportVersion).order_by(ReportVersion.updated_at.desc(), ReportVersion.id.desc())
                                .limit(limit)))


def texts_of(row: ReportVersion) -> dict:
    return {key: getattr(row, key) for key in TEXT_FIELDS}


def latest(session: Session, kind: str, period: str) -> ReportVersion | None:
    found = history(session, kind, period)
    return found[0] if found else None


def version(session: Session, kind: str, period: str, number: int) -> ReportVersion:
    row = session.scalar(select(ReportVersion).where(ReportVersion.kind == kind, ReportVersion.period == period,
                                                     ReportVersion.version == number))
    if row is None:
        raise NotFound(f"report {kind} {period} v{number} not found", user_message="指定された版の報告書はありません。")
    return row


def _carried_over(session: Session, kind: str, period: str) -> dict:
    """A new monthly report starts from the latest earlier month's 課題 and 業務改善策."""
    if kind != "monthly":
        return {}
    earlier = session.scalar(select(ReportVersion).where(ReportVersion.kind == kind, ReportVersion.period < period)
                             .order_by(ReportVersion.period.desc(), ReportVersion.version.desc()).limit(1))
    return {} if earlier is None else {"issues": earlier.issues, "improvements": earlier.improvements}


def latest_texts(session: Session, kind: str, period: str) -> dict:
    """The texts a rendering of the report shows: its latest version's, else those carried over."""
    row = latest(session, kind, period)
    if row is None:
        return _carried_over(session, kind, period)
    return {key: getattr(row, key) for key in TEXT_FIELDS}


def prepare_draft(session: Session, kind: str, period: str, figures: dict, actor: str,
                  correction: bool = False) -> ReportVersion:
    """The report's open draft with `figures`: refreshed if it exists, created (version 1) if the report has none.
    A finalised report stays as it is unless `correction`: then a new draft version starts from its texts."""
    row = latest(session, kind, period)
    now = utcnow()
    if row is not None and row.state == DRAFT:
        row.figures, row.updated_at, row.updated_by = figures, now, actor
        return row
    if row is not None and not correction:
        return row
    texts = {key: getattr(row, key) for key in TEXT_FIELDS} if row is not None else _carried_over(session, kind,
                                                                                                   period)
    draft = ReportVersion(kind=kind, period=period, version=(row.version + 1) if row else 1, state=DRAFT,
                          figures=figures, remarks=texts.get("remarks", ""), issues=texts.get("issues", ""),
                          improvements=texts.get("improvements", ""), created_at=now, created_by=actor,
                          updated_at=now, updated_by=actor)
    session.add(draft)
    session.flush()
    audit.record(session, actor, "report.drafted",
                 detail={"kind": kind, "period": period, "version": draft.version, "correction": row is not None})
    return draft


def _open_draft(session: Session, kind: str, period: str) -> ReportVersion:
    row = latest(session, kind, period)
    if row is None or row.state != DRAFT:
        raise TaskConflict(f"report {kind} {period} has no open draft",
                           user_message="この報告書は確定済みです。訂正する場合は「訂正版を作成」から新しい版を作ってください。")
    return row


def save_texts(session: Session, actor: Actor, kind: str, period: str, texts: dict) -> ReportVersion:
    """The supervisor's texts onto the open draft (ValidationFailed names a text that is too long)."""
    require(actor.role in MAKERS)
    errors = [FieldError(key, f"{label}は{MAX_TEXT}文字以内で入力してください。") for key, label in TEXT_FIELDS.items()
              if len(str(texts.get(key) or "")) > MAX_TEXT]
    if errors:
        raise ValidationFailed(errors, user_message="入力内容を確認してください。")
    row = _open_draft(session, kind, period)
    for key in TEXT_FIELDS:
        if key in texts:
            setattr(row, key, str(texts.get(key) or "").replace("\r\n", "\n").strip())
    row.updated_at, row.updated_by = utcnow(), actor.username
    return row


def finalise(session: Session, actor: Actor, kind: str, period: str, figures: dict) -> ReportVersion:
    """Freeze the open draft with the figures of now: from here on this version never changes."""
    require(actor.role in MAKERS)
    row = _open_draft(session, kind, period)
    now = utcnow()
    row.figures, row.state, row.finalised_at, row.finalised_by = figures, FINAL, now, actor.username
    row.updated_at, row.updated_by = now, actor.username
    audit.record(session, actor.username, "report.finalised",
                 detail={"kind": kind, "period": period, "version": row.version})
    return row
