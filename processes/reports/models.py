"""The reports' tables (registered in pyproject.toml's okuyami.models entry points as `reports`).

- report_versions: one row per version of a report (daily log, monthly or annual results). A draft is the one open
  row of a report; finalising freezes it (its figures and texts never change again); a later correction opens a
  new draft with the next version number, and every finalised version stays readable.
- incidents: the query row of an incident report (随時報告) beside its BPMN process (bpmn/incident.bpmn): what the
  lists and the monthly report show (kind, when, personal data involved or not, state). The account itself (what
  happened, who was affected, response, cause, measures, prevention) may name people, so it is encrypted.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow

DRAFT, FINAL = "draft", "final"
REVIEW, SUBMITTED, WITHDRAWN = "review", "submitted", "withdrawn"


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("kind", "period", "version"), Index("ix_report_versions_kind_period",
                                                                           "kind", "period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """daily, monthly or annual."""
    period: Mapped[str] = mapped_column(String(10))
    """YYYY-MM-DD (daily), YYYY-MM (monthly), YYYY (annual: the fiscal year starting in April of YYYY)."""
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=DRAFT)
    figures: Mapped[dict] = mapped_column(JSON)
    remarks: Mapped[str] = mapped_column(Text, default="")
    issues: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finalised_by: Mapped[str | None] = mapped_column(String(100))


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default=REVIEW, index=True)
    account: Mapped[bytes] = mapped_column(EncryptedBytes)
    """The account's free-text fields as JSON, encrypted."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def account_fields(self) -> dict:
        return json.loads(self.account) if self.account else {}
