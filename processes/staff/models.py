"""Tables of processes.staff (registered in pyproject.toml's okuyami.models entry points): server-side sessions of
the staff application and the staff's second factor (TOTP and one-time recovery codes)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base
from engine.db.types import EncryptedBytes, UTCDateTime, utcnow


class StaffSession(Base):
    """One browser session. The cookie carries only a random token; the row keeps its SHA-256, so a copy of this
    table cannot be turned back into cookies. Rows are revoked, never reused: a new sign-in gets a new token."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    """None for a visitor who has not signed in yet (the login form's CSRF token lives in such a session)."""
    second_factor_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    """The password was right but the TOTP code has not been given yet: not signed in."""
    data: Mapped[bytes] = mapped_column(EncryptedBytes)
    """Flask's session dictionary (CSRF token, flashed messages) as tagged JSON, encrypted."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    """logout, idle, absolute, password_changed, signed_in_again, second_factor, locked, deactivated."""


class StaffTotp(Base):
    """A person's TOTP secret (RFC 6238), encrypted. Unconfirmed until the person has typed one code from it."""

    __tablename__ = "staff_totp"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret: Mapped[bytes] = mapped_column(EncryptedBytes)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second time step of the last accepted code: a code of that step or an earlier one is a replay."""


class StaffRecoveryCode(Base):
    """One of a person's one-time recovery codes (issue #13, 10), shown once when made and kept only as a hash. A
    code signs the person in once without the authenticator app (a lost or forgotten phone)."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the person's id and the code: the code has 80 random bits, so a fast hash cannot be reversed."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(Base):
    """Failed sign-ins of one account from one client address (issue #13, 9): growing delays for that pair only,
    so that nobody can lock a clerk out from elsewhere. Neither the address nor the user name is kept in clear:
    both hashes are keyed (engine.crypto blind_index)."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_hash: Mapped[str] = mapped_column(String(64), index=True)
    """The same for every address: how many addresses guess at one account (a spread guess locks the account)."""
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
