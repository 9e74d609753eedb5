"""Tables of processes.modelling (registered in pyproject.toml's okuyami.models entry points).

Deployed versions (who, when, comment) live in the registry's tables (model_files, process_versions) and in
catalogue_versions; here are what a process owner keeps beside them: drafts not yet deployed, and the example
interviews every DMN or catalogue deploy must pass.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow


class ModelDraft(Base):
    """One saved draft of a model: a BPMN or DMN file (by its registry file name) or the catalogue ("catalogue").

    Drafts are appended, never overwritten: the latest row of a (kind, name) is the current draft."""

    __tablename__ = "model_drafts"
    __table_args__ = (Index("ix_model_drafts_kind_name", "kind", "name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExampleInterview(Base):
    """A worked example: interview answers and the procedures they must select or must not select.

    The answers are a fictitious family's (no personal data: only yes/no/unknown, counts, dates)."""

    __tablename__ = "example_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    answers: Mapped[dict] = mapped_column(JSON)
    must_include: Mapped[list] = mapped_column(JSON)
    must_exclude: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
