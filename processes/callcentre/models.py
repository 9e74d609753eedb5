"""Tables of processes.callcentre (registered in pyproject.toml's okuyami.models entry points).

- `contact_records`: one row per call, FAX, web-form message or e-mail (応対履歴). No personal data in principle
  (the spec): free text is plain so that it can be searched, and the operator is warned when it looks personal.
  Deletion is soft (`deleted_at`), audited, and excluded from searches and figures.
- `contact_callbacks`: the name, phone and best time a department needs to call back; apart from the record,
  encrypted, and deleted when the inquiry closes.
- `citizen_voices`: an opinion, complaint, request or thanks (市民の声), reviewed by a supervisor; a complaint
  records its cause, the measures taken and how recurrence is prevented before it closes (spec 11).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow

OPEN, CLOSED = "open", "closed"


class ContactRecord(Base):
    __tablename__ = "contact_records"
    __table_args__ = (Index("ix_contact_records_started", "started_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    counterpart_type: Mapped[str] = mapped_column(String(20))
    operator: Mapped[str] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wrapup_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the after-call work ended (the record was saved); handling time = talk + after-call work."""
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    """The phone system's id of the call, when there is one."""
    category: Mapped[str] = mapped_column(String(100), default="")
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    reply_channel: Mapped[str | None] = mapped_column(String(20))
    """How the answer goes back when the citizen asked for another channel than the one they came in on."""
    faq_ids: Mapped[list] = mapped_column(JSON, default=list)
    related_contact_ids: Mapped[list] = mapped_column(JSON, default=list)
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    caller_gender: Mapped[str | None] = mapped_column(String(10))
    caller_age_band: Mapped[str | None] = mapped_column(String(10))
    caller_satisfaction: Mapped[str | None] = mapped_column(String(20))
    handover_department: Mapped[str | None] = mapped_column(String(40))
    handover_ward: Mapped[str | None] = mapped_column(String(20))
    handover_note: Mapped[str] = mapped_column(Text, default="")
    inquiry_instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    inquiry_state: Mapped[str | None] = mapped_column(String(10))
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    department_answer: Mapped[str] = mapped_column(Text, default="")
    department_answered_by: Mapped[str | None] = mapped_column(String(100))
    department_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))


class ContactCallback(Base):
    __tablename__ = "contact_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact_records.id"), unique=True)
    name: Mapped[bytes] = mapped_column(EncryptedBytes)
    phone: Mapped[bytes] = mapped_column(EncryptedBytes)
    best_time: Mapped[bytes] = mapped_column(EncryptedBytes)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CitizenVoice(Base):
    __tablename__ = "citizen_voices"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact_records.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    intent: Mapped[str] = mapped_column(Text, default="")
    """The caller's intent as heard (申出人の意図)."""
    department: Mapped[str | None] = mapped_column(String(40))
    said: Mapped[str] = mapped_column(Text, default="")
    """What the centre said to the caller."""
    cause: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    prevention: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
