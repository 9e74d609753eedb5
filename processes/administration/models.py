"""Tables of processes.administration (registered in pyproject.toml's okuyami.models entry points).

The ward corners and departments start from the repository's YAML/registry: these tables stay empty until an
administrator first saves, and from then on they are the source (as the catalogue's deployed versions are)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow


class WardOffice(Base):
    """One ward's office and corner (おくやみコーナー): where it is, and its visit slots."""

    __tablename__ = "ward_offices"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    office: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200))
    corner_location: Mapped[str] = mapped_column(String(200), default="")
    corner_floor: Mapped[str] = mapped_column(String(50), default="")
    slot_times: Mapped[str] = mapped_column(String(200))
    """The slots' start times, "HH:MM" separated by commas."""
    capacity: Mapped[int] = mapped_column(Integer)
    """Families per slot."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class WardClosure(Base):
    """A one-off closure of one ward's corner (moving, building works), first and last day inclusive."""

    __tablename__ = "ward_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward: Mapped[str] = mapped_column(String(32), index=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class AdministeredDepartment(Base):
    """A department added or renamed by the administrator, over the registry of processes/departments.py."""

    __tablename__ = "administered_departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(8))
    """ward (区役所) or city (市役所)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))


class RetentionSetting(Base):
    """How long one kind of data is kept, in months (the purge reads these)."""

    __tablename__ = "retention_settings"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    months: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
