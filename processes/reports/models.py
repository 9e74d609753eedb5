"""The reports' tables (registered in pyproject.toml's okuyami.models entry points as `reports`).

- report_versions: one row per version of a report (daily log, monthly or annual results). A draft is the one open
  row of a report; finalising freezes it (its figures and texts never change again); a later correction opens a
  new draft with the next version number, and every finalised version stays readable.
- incidents: the query row of an incident report (随時報告) beside its BPMN process (bpmn/incident.bpmn): what the
  lists and the monthly report show (kind, when, personal data involved or not, state). The account itself (what
  happened, who was affected, response, cause, measures, prevention) may name people, so it is encrypted.
- report_survey_comments: the survey comments a supervisor picked for a month's report (月次業務実績), one row per
  answer, with the comment as shown in the report (phone numbers and e-mail addresses masked), encrypted like the
  answer's own comment. No foreign key: the answers are purged after their retention period, the report keeps this.
- report_builds: a report file (XLSX, PDF, the meeting pack) asked for on the report page and built by the worker:
  its state (待機中/作成中/完了/失敗), progress 0-100, the finished file (encrypted), or what went wrong in Japanese.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow

DRAFT, FINAL = "draft", "final"
REVIEW, SUBMITTED, WITHDRAWN = "review", "submitted", "withdrawn"
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
BUILD_STATES = {QUEUED: "待機中", RUNNING: "作成中", DONE: "完了", FAILED: "失敗"}


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


class ReportSurveyComment(Base):
    __tablename__ = "report_survey_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(Integer, unique=True)
    """survey_answers.id of the comment picked."""
    month: Mapped[str] = mapped_column(String(7), index=True)
    """YYYY-MM of the report the comment goes into (the month the answer was given)."""
    ward: Mapped[str] = mapped_column(String(32))
    answered_on: Mapped[date] = mapped_column(Date)
    text: Mapped[bytes] = mapped_column(EncryptedBytes)
    """The comment as the report shows it: phone numbers and e-mail addresses masked."""
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    picked_by: Mapped[str] = mapped_column(String(100))


class ReportBuild(Base):
    __tablename__ = "report_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(10))
    version: Mapped[int | None] = mapped_column(Integer)
    """The report version asked for (None: the latest, as the page showed it)."""
    format: Mapped[str] = mapped_column(String(8))
    """xlsx, pdf or pack (the meeting pack, PDF)."""
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    file: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    file_name: Mapped[str | None] = mapped_column(String(80))
    error: Mapped[str | None] = mapped_column(Text)
    """What went wrong, in Japanese, for the page."""
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The worker (host:pid) building it; with claimed_until, renewed at each step of progress."""
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
