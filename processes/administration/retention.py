"""Retention periods per kind of data, in months: the defaults below until the administrator saves a period; the
purge (operations) reads `retention_months`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.runtime import audit
from processes.administration.models import RetentionSetting
from processes.tasks.validation import FieldError, ValidationFailed

MAX_MONTHS = 120


@dataclass(frozen=True)
class RetentionKind:
    label: str
    counted_from: str
    default_months: int


KINDS: dict[str, RetentionKind] = {
    "case_personal_data": RetentionKind("案件の個人情報（故人・申請者の氏名、住所、問診の回答）", "案件の終了から", 12),
    "print_packets": RetentionKind("印刷用の申請書類（PDF）", "来庁日から", 3),
    "contact_records": RetentionKind("応対履歴", "応対日から", 60),
    "contact_callbacks": RetentionKind("折り返し先（氏名・電話番号・連絡のつく時間）", "受付日から", 3),
    "faq_search_logs": RetentionKind("FAQの検索ログ", "検索日から", 3),
    "call_recordings": RetentionKind("通話録音", "通話日から", 6),
    "staff_sessions": RetentionKind("職員のログインセッション", "最終利用日から", 1),
    "notifications": RetentionKind("職員へのお知らせ", "通知日から", 12),
    "survey_answers": RetentionKind("満足度アンケートの回答（匿名）", "回答日から", 60),
    "public_requests": RetentionKind("市民向けサイトから届いた予約の申込み・お問い合わせ（保留中のものを含む）", "受付日から", 3),
    "report_files": RetentionKind("作成済みの報告書ファイル（Excel・PDF。報告書の数値と版は残ります）", "作成日から", 12),
    "audit_log": RetentionKind("監査ログ", "記録日から", 60),
}


@dataclass(frozen=True)
class RetentionRow:
    kind: str
    label: str
    counted_from: str
    months: int
    is_default: bool
    updated_at: datetime | None
    updated_by: str | None


def retention_rows(session: Session) -> list[RetentionRow]:
    saved = {row.kind: row for row in session.scalars(select(RetentionSetting))}
    return [RetentionRow(kind, k.label, k.counted_from, saved[kind].months if kind in saved else k.default_months,
                         kind not in saved, saved[kind].updated_at if kind in saved else None,
                         saved[kind].updated_by if kind in saved else None)
            for kind, k in KINDS.items()]


def retention_months(session: Session, kind: str) -> int:
    row = session.get(RetentionSetting, kind)
    return row.months if row is not None else KINDS[kind].default_months


def save_retention(session: Session, form: dict, actor: str) -> list[str]:
    """Each kind's period from the form (field = the kind; a kind the form does not name keeps its period);
    returns the kinds that changed."""
    errors, values = [], {}
    for kind, k in KINDS.items():
        if kind not in form:
            continue
        text = (form.get(kind) or "").strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
            errors.append(FieldError(kind, f"{k.label}の保存期間は1〜{MAX_MONTHS}か月の数字で入力してください。"))
        else:
            values[kind] = int(text)
    if errors:
        raise ValidationFailed(errors)
    changed = []
    current = {row.kind: row.months for row in retention_rows(session)}
    for kind, months in values.items():
        if current[kind] == months:
            continue
        row = session.get(RetentionSetting, kind)
        if row is None:
            row = RetentionSetting(kind=kind, months=months, updated_by=actor)
            session.add(row)
        row.months, row.updated_at, row.updated_by = months, utcnow(), actor
        audit.record(session, actor, "retention.updated", detail={"kind": kind, "months_before": current[kind],
                                                                  "months": months})
        changed.append(kind)
    return changed
