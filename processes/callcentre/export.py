"""CSV export of contact records and citizen voice (spec 12(7)③エ): UTF-8 with a BOM so that Excel opens it,
RFC 4180 quoting (CRLF), and a cell that begins with =, +, -, @, tab or CR prefixed with ' (formula injection).
Codes are exported with their Japanese names; times in Asia/Tokyo. Audited by the caller."""
from __future__ import annotations

import csv
import io
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.calendar.slots import JST
from processes.callcentre.models import CitizenVoice, ContactRecord
from processes.callcentre.vocabulary import (
    AGE_BANDS,
    CHANNELS,
    COMPLETED_IN_CENTRE,
    COUNTERPARTS,
    GENDERS,
    INQUIRY_STATES,
    OUTCOMES,
    SATISFACTION,
    VOICE_KINDS,
)
from processes.departments import DEPARTMENTS

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("応対番号", "開始日時", "終了日時", "後処理終了日時", "チャネル", "相手方種別", "オペレーター", "分類", "お問い合わせの内容",
          "回答", "結果", "一次完了", "参照したFAQ", "参照した応対", "案件番号", "電話システムの通話ID", "性別", "年代", "満足度",
          "引継ぎ先", "引継ぎ先の区", "問い合わせの状態", "所管課の回答", "市民の声の種別", "申出の趣旨", "原因", "対応策",
          "再発防止策")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _when(moment) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""


def contact_row(record: ContactRecord, voice: CitizenVoice | None) -> list:
    return [record.id, _when(record.started_at), _when(record.ended_at), _when(record.wrapup_ended_at),
            CHANNELS.get(record.channel, record.channel), COUNTERPARTS.get(record.counterpart_type),
            record.operator, record.category, record.question, record.answer, OUTCOMES.get(record.outcome),
            "はい" if record.outcome in COMPLETED_IN_CENTRE else "いいえ",
            " ".join(map(str, record.faq_ids or [])), " ".join(map(str, record.related_contact_ids or [])),
            record.case_id, record.call_id, GENDERS.get(record.caller_gender or "", ""),
            AGE_BANDS.get(record.caller_age_band or "", ""), SATISFACTION.get(record.caller_satisfaction or "", ""),
            DEPARTMENTS.get(record.handover_department or "", ""), record.handover_ward,
            INQUIRY_STATES.get(record.inquiry_state or "", ""), record.department_answer,
            VOICE_KINDS.get(voice.kind, "") if voice else "", voice.intent if voice else "",
            voice.cause if voice else "", voice.measures if voice else "", voice.prevention if voice else ""]


def csv_text(rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def export_csv(session: Session, records: Iterable[ContactRecord]) -> tuple[str, int]:
    """The whole CSV text and the number of records in it."""
    records = list(records)
    voices = {v.contact_id: v for v in session.scalars(
        select(CitizenVoice).where(CitizenVoice.contact_id.in_([r.id for r in records])))} if records else {}
    return csv_text(contact_row(r, voices.get(r.id)) for r in records), len(records)
