"""Tables of processes.calls (registered in pyproject.toml's okuyami.models entry points).

- `calls`: one row per call offered to the queue, folded from the exchange's events (queue_log or CSV). The
  caller's number is never stored: only a keyed hash, so that repeat callers can be counted.
- `agent_events`: operators' login, logoff, pause and unpause (with the reason), for the seats staffed; an ACW
  pause after a call is folded onto the call (`calls.acw_s`) and kept here only when the import could not fold it
  (see processes/calls/queue_log.py).
- `call_import_checkpoints`: how far a followed file has been read.
- `call_recordings`: the recorder's files indexed (operator, start, duration, transcript); deleted after 6 months.
- `recording_playback_rights`: who may play recordings back (spec 12(3)④オ), set by admins.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow

ANSWERED, ABANDONED, TIMEOUT, EMPTY, KEY_PRESSED = "answered", "abandoned", "timeout", "empty", "key"


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_entered", "entered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    queue: Mapped[str] = mapped_column(String(64), default="")
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wait_s: Mapped[int | None] = mapped_column(Integer)
    """Seconds in the queue (from ENTERQUEUE) until answered or given up; the IVR before it is not counted."""
    talk_s: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    """answered, abandoned, timeout, empty, key; None while the call is still waiting or talking."""
    transferred: Mapped[bool] = mapped_column(Boolean, default=False)
    agent: Mapped[str | None] = mapped_column(String(100))
    """No index of its own (a year's import paid ~30 % of its inserts for one): every query naming an agent also
    bounds the moment the call entered, and reads through ix_calls_entered."""
    caller_hash: Mapped[str | None] = mapped_column(String(64))
    """Counted over a period (repeat callers), never looked up alone: no index of its own to maintain."""
    acw_s: Mapped[int | None] = mapped_column(Integer)
    """Seconds of after-call work: the agent's PAUSE (reason ACW) … UNPAUSE after the call, folded at import
    (None: none was folded onto this call). Counted in the period the call ended."""


class AgentEvent(Base):
    __tablename__ = "agent_events"
    __table_args__ = (UniqueConstraint("at", "agent", "kind"),)
    """The unique index leads with the moment, so it also serves the period's range queries."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agent: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    """login, logoff, pause, unpause."""
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(40), default="")


class CallImportCheckpoint(Base):
    __tablename__ = "call_import_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallRecording(Base):
    __tablename__ = "call_recordings"
    __table_args__ = (Index("ix_call_recordings_started", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_path: Mapped[str] = mapped_column(String(500), unique=True)
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    operator: Mapped[str | None] = mapped_column(String(100), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_s: Mapped[int] = mapped_column(Integer, default=0)
    transcript_path: Mapped[str | None] = mapped_column(String(500))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordingPlaybackRight(Base):
    __tablename__ = "recording_playback_rights"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    may_play: Mapped[bool] = mapped_column(Boolean, default=False)
    granted_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
