"""Tables of processes.faq (registered in pyproject.toml's okuyami.models entry points).

- `faq_categories`: the city's category tree (parent_id; a copy duplicates a whole subtree).
- `faq_items`: one FAQ item. `number` is its stable FAQ-ID (FAQ-000123). `search_*` hold the normalised text the
  search reads (processes/faq/normalise.py); on PostgreSQL a pg_trgm GIN index covers `search_text` (written at
  once, no pending list: migration 0020), on SQLite an FTS5 trigram table beside it (processes/faq/search_index.py:
  derived data, rebuilt from these columns).
- `faq_item_categories`, `faq_related_items`: an item's categories and related items.
- `faq_revisions`: every change, the whole item as it was after it (restore reads it back).
- `faq_attachments`: files attached to an item (checked type and size).
- `faq_synonyms`: accepted synonyms (by hand or from a proposal); `faq_synonym_proposals`: learned from searches.
- `faq_search_logs`, `faq_item_uses`: raw searches and uses per random search session (never the operator),
  deleted after 90 days; `faq_query_counts`: how often a query was searched and found nothing (kept).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow

AUDIENCE_ALL, AUDIENCE_SUPERVISORS = "all", "supervisors"
PROPOSED, ACCEPTED, DISMISSED = "proposed", "accepted", "dismissed"


class FaqCategory(Base):
    __tablename__ = "faq_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("faq_categories.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FaqItem(Base):
    __tablename__ = "faq_items"
    __table_args__ = (
        Index("ix_faq_items_search_text_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    related_urls: Mapped[list] = mapped_column(JSON, default=list)
    """[{"title", "url"}]"""
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_start: Mapped[date | None] = mapped_column(Date)
    publish_end: Mapped[date | None] = mapped_column(Date)
    audience: Mapped[str] = mapped_column(String(20), default=AUDIENCE_ALL)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    search_question: Mapped[str] = mapped_column(Text, default="")
    search_keywords: Mapped[str] = mapped_column(Text, default="")
    search_answer: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    """The three above joined: what the trigram index covers."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FaqItemCategory(Base):
    __tablename__ = "faq_item_categories"

    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("faq_categories.id"), primary_key=True, index=True)


class FaqRelatedItem(Base):
    __tablename__ = "faq_related_items"

    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"), primary_key=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FaqRevision(Base):
    __tablename__ = "faq_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    """created, updated, deleted, restored"""
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)


class FaqAttachment(Base):
    __tablename__ = "faq_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class FaqSynonym(Base):
    __tablename__ = "faq_synonyms"
    __table_args__ = (UniqueConstraint("term", "expands_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100), index=True)
    """Normalised."""
    expands_to: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class FaqSynonymProposal(Base):
    __tablename__ = "faq_synonym_proposals"
    __table_args__ = (UniqueConstraint("term", "expands_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(100))
    expands_to: Mapped[str] = mapped_column(String(100))
    support: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(20), default=PROPOSED, index=True)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))


class FaqSearchLog(Base):
    __tablename__ = "faq_search_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    query: Mapped[str] = mapped_column(String(200))
    normalised: Mapped[str] = mapped_column(String(200))
    hits: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FaqItemUse(Base):
    __tablename__ = "faq_item_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("faq_items.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class FaqQueryCount(Base):
    __tablename__ = "faq_query_counts"

    normalised: Mapped[str] = mapped_column(String(200), primary_key=True)
    query: Mapped[str] = mapped_column(String(200))
    """The words as last typed."""
    searches: Mapped[int] = mapped_column(Integer, default=0)
    zero_hits: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
