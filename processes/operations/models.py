"""Tables of processes.operations (registered in pyproject.toml's okuyami.models entry points).

- `audit_chain`: one link per audit entry, the hash of the entry together with the previous link's hash; the
  first entry of a day (Asia/Tokyo) takes the last hash of the day before, so each day is anchored in the next.
- `worker_heartbeats`: when each worker last ran its heartbeat job (/readyz wants one within 2 minutes).
- `purge_records`: what a purge deleted: the kind of data, how many rows, up to which moment; never the data.
  An audit-log purge keeps the hash of the last link it deleted (`anchor_hash`): the chain goes on from there.
- `audit_purge_permits`: empty except inside the one transaction of an audit-log purge or an erase-all; the
  append-only trigger of `audit_log` lets a DELETE through only while a permit row is visible (UPDATE never).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow


class AuditChainLink(Base):
    __tablename__ = "audit_chain"

    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class PurgeRecord(Base):
    __tablename__ = "purge_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    deleted: Mapped[int] = mapped_column(Integer)
    up_to: Mapped[datetime] = mapped_column(UTCDateTime)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    anchor_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditPurgePermit(Base):
    __tablename__ = "audit_purge_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    """host:pid of the worker process."""
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
