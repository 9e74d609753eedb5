"""The staff side's tables of what comes back from the public side (registered in pyproject.toml's okuyami.models
entry points as `public`).

- `survey_tokens`: the tokens printed on guidance sheets. A token names only the ward and the week of the visit,
  never the case (no column links it to one); only its SHA-256 is kept, so the table cannot print a token again.
- `survey_answers`: one row per answer pulled from the public side (anonymous: ward, week of the visit, the day it
  was answered, the points, the free comment encrypted since a family may write a name into it).
- `public_requests`: every sealed booking request and web inquiry pulled, by the number the family was shown:
  what it became (a case, a contact record) or, when it could not be decrypted or validated, the reason and what
  was received, kept for the supervisor (encrypted)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime


class SurveyToken(Base):
    __tablename__ = "survey_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ward: Mapped[str] = mapped_column(String(32))
    week_start: Mapped[date] = mapped_column(Date)
    """The Monday of the visit's week (Asia/Tokyo)."""
    kind: Mapped[str] = mapped_column(String(16))
    """sheet (one answer, printed on a guidance sheet) or tablet (the corner's tablet: any number of answers)."""
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    """A sheet token once its answer arrived; a tablet token once a newer one replaced it (no longer exported)."""


class CityKey(Base):
    """The city's key pairs for the public side: a sealed box (X25519) whose public half the export carries and
    whose private half never leaves this table (encrypted with the data key), and a signing key (Ed25519) with
    which `okuyami public pull --url` proves itself to the public side. The newest row is in use; older ones
    still open what was sealed for them."""
    __tablename__ = "city_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    box_public: Mapped[str] = mapped_column(String(64))
    box_secret: Mapped[bytes] = mapped_column(EncryptedBytes)
    verify_key: Mapped[str] = mapped_column(String(64))
    sign_secret: Mapped[bytes] = mapped_column(EncryptedBytes)


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (Index("ix_survey_answers_answered_on_ward", "answered_on", "ward"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    """The answer's id on the public side: pulling it twice stores it once."""
    ward: Mapped[str] = mapped_column(String(32))
    week_start: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    """sheet (the token on the guidance sheet) or tablet (the corner's tablet)."""
    corner_satisfaction: Mapped[int | None] = mapped_column(Integer)
    callcentre_satisfaction: Mapped[int | None] = mapped_column(Integer)
    time_felt_right: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublicRequest(Base):
    __tablename__ = "public_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    """booking, inquiry or survey (a survey answer only when it could not be read)."""
    state: Mapped[str] = mapped_column(String(16), index=True)
    """accepted, or kept (could not be decrypted or validated: waiting for the supervisor), or settled."""
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    problem: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[bytes | None] = mapped_column(EncryptedBytes)
    """What arrived: the decrypted JSON, or the sealed bytes when they could not be opened."""
    instance_id: Mapped[int | None] = mapped_column(Integer)
    contact_id: Mapped[int | None] = mapped_column(Integer)
