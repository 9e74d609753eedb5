"""Tables of processes.documents (registered in pyproject.toml's okuyami.models entry points)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow


class FormTemplateVersion(Base):
    """A form template uploaded by a process owner. Versions are never deleted: a case keeps printing with the
    version its packet was first made with. Without any row for a name, the repository's forms/templates/ file
    is the template. Templates hold no personal data."""

    __tablename__ = "form_template_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    fields: Mapped[list] = mapped_column(JSON)
    """The field paths the template prints (checked against fields.FIELDS at upload)."""
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")


class CasePacket(Base):
    """A case's print packet: the guidance sheet and every form, one PDF (or, without LibreOffice, the .docx files
    in a zip). `content_hash` is the hash of everything the packet is made from: when the case changes, the hash
    differs and the packet is made again."""

    __tablename__ = "case_packets"

    case_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    """generating, ready or failed."""
    content_hash: Mapped[str] = mapped_column(String(64))
    forms: Mapped[list] = mapped_column(JSON, default=list)
    template_pins: Mapped[dict] = mapped_column(JSON, default=dict)
    """{template name: content hash} of the versions this case's packets use."""
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    pdf: Mapped[bytes | None] = mapped_column(EncryptedBytes, nullable=True, deferred=True)
    docx_zip: Mapped[bytes | None] = mapped_column(EncryptedBytes, nullable=True, deferred=True)
    no_pdf_reason: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
