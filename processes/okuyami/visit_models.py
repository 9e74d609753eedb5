"""The table of the corner's visits (registered in pyproject.toml's okuyami.models entry points as `counter`).

One row per bereavement case, kept beside the workflow in the same transaction: the visit's slot and seat (what a
booking counts and the database guards), the visit's day (the counter's day screen), check-in and check-out (the
窓口所要時間) and the family's names for the counter's lists (encrypted). The generic engine tables know nothing of
visits; this table is keyed by the case's instance id.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime


class CaseVisit(Base):
    __tablename__ = "case_visits"
    __table_args__ = (
        UniqueConstraint("ward", "slot_start", "seat"),
        Index("ix_case_visits_ward_slot_start", "ward", "slot_start"),
        Index("ix_case_visits_ward_visit_on", "ward", "visit_on"),
    )

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    ward: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    """booking or walk_in."""
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The booked slot (None for a walk-in)."""
    seat: Mapped[int | None] = mapped_column(Integer)
    """1..the slot's capacity while the booking holds its place; None once cancelled (the place is free again).
    Unique per (ward, slot_start): two bookings can never take the same last place, whichever app process wins."""
    visit_on: Mapped[date | None] = mapped_column(Date)
    """The visit's day in Asia/Tokyo: the slot's day, or the day a walk-in came."""
    family: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    """{"deceased": name, "applicant": name} as JSON, encrypted: what the counter's lists show."""
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def family_names(self) -> dict:
        return json.loads(self.family) if self.family else {}
