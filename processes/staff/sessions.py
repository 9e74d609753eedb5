"""Server-side sessions of the staff application: a random token in the cookie, its SHA-256 in staff_sessions.

A session ends on logout, after 30 minutes without a request (idle), 12 hours after sign-in (absolute), when the
person's password changes, and when the account is locked or deactivated. An ended session is never revived: the
same cookie sent again finds a revoked row and the visitor is signed out.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import LargeBinary, bindparam, delete, select, type_coerce, update
from sqlalchemy.orm import Session

from engine import crypto
from engine.db.driver import one_row
from engine.db.models import User
from engine.db.types import utcnow
from processes.staff.models import StaffSession

IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
SECOND_FACTOR_LIMIT = timedelta(minutes=5)
"""How long the TOTP step may wait after the right password."""
TOUCH_INTERVAL = timedelta(seconds=60)
"""last_seen_at is written at most this often: the idle limit is enforced to the minute without a write per request."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionRow:
    """What a request reads of its session's row (the data decrypted)."""

    id: int
    user_id: int | None
    second_factor_pending: bool
    data: bytes
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


@dataclass(frozen=True)
class SessionUser:
    """What a request reads of the session's person."""

    id: int
    username: str
    display_name: str
    role: str
    ward: str | None
    department: str | None
    active: bool


@dataclass
class LiveSession:
    """A session row that is still valid, with its (active) user when someone is signed in or half signed in."""

    row: SessionRow
    user: SessionUser | None


@dataclass(frozen=True)
class EndedSession:
    reason: str
    unrevoked_id: int | None
    """The row to mark revoked (a limit was just noticed); None when it was revoked already."""


def ended_reason(row: StaffSession | SessionRow, now: datetime) -> str | None:
    if row.revoked_at is not None:
        return row.revoked_reason or "revoked"
    if row.second_factor_pending and now - row.created_at > SECOND_FACTOR_LIMIT:
        return "second_factor"
    if row.user_id is not None and now - row.created_at > ABSOLUTE_LIMIT:
        return "absolute"
    if now - row.last_seen_at > IDLE_LIMIT:
        return "idle" if row.user_id is not None else "visitor_idle"
    return None


# The data column read as its stored bytes (decrypted below): the same value on every database, whether the
# statement runs through SQLAlchemy's column types (SQLite) or straight on the driver (PostgreSQL).
_LOAD = (select(StaffSession.id, StaffSession.user_id, StaffSession.second_factor_pending,
                type_coerce(StaffSession.data, LargeBinary), StaffSession.created_at, StaffSession.last_seen_at,
                StaffSession.revoked_at, StaffSession.revoked_reason, User.id, User.username, User.display_name,
                User.role, User.ward, User.department, User.active)
         .outerjoin(User, User.id == StaffSession.user_id).where(StaffSession.token_hash == bindparam("token_hash")))


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment is not None else None


def load(session: Session, token: str) -> LiveSession | EndedSession | None:
    """The live session of a cookie's token, why it ended, or None for a token nobody issued. Reads only, in one
    statement kept from the start and sent on the driver (the row and its user together: this runs before every
    page, and building the statement and two ORM objects each time cost more than the database's answer)."""
    found = one_row(session.connection(), _LOAD, {"token_hash": token_hash(token)})
    if found is None:
        return None
    session_id, user_id, pending, data, created_at, last_seen_at, revoked_at, revoked_reason = found[:8]
    row = SessionRow(session_id, user_id, bool(pending), crypto.keyring().decrypt(bytes(data)), _utc(created_at),
                     _utc(last_seen_at), _utc(revoked_at), revoked_reason)
    user = SessionUser(*found[8:14], bool(found[14])) if found[8] is not None else None
    now = utcnow()
    reason = ended_reason(row, now)
    user = user if reason is None else None
    if reason is None and user is not None and not user.active:
        reason = "deactivated"
    if reason is None:
        return LiveSession(row, user)
    return EndedSession(reason, row.id if row.revoked_at is None else None)


def revoke_ended(session: Session, ended: EndedSession) -> None:
    if ended.unrevoked_id is not None:
        session.execute(update(StaffSession)
                        .where(StaffSession.id == ended.unrevoked_id, StaffSession.revoked_at.is_(None))
                        .values(revoked_at=utcnow(), revoked_reason=ended.reason))


def create(session: Session, data: bytes, user_id: int | None = None, second_factor_pending: bool = False) -> str:
    """A new session row; returns the token for the cookie (the only place it is kept)."""
    token = new_token()
    now = utcnow()
    session.add(StaffSession(token_hash=token_hash(token), user_id=user_id, second_factor_pending=second_factor_pending,
                             data=data, created_at=now, last_seen_at=now))
    session.flush()
    return token


def save(session: Session, token: str, data: bytes | None) -> bool:
    """Record a request of a live session (and its changed data); False when the session ended meanwhile."""
    values: dict = {"last_seen_at": utcnow()}
    if data is not None:
        values["data"] = data
    result = session.execute(update(StaffSession)
                             .where(StaffSession.token_hash == token_hash(token), StaffSession.revoked_at.is_(None))
                             .values(**values))
    return result.rowcount == 1


def needs_touch(row: StaffSession | SessionRow) -> bool:
    return utcnow() - row.last_seen_at >= TOUCH_INTERVAL


def revoke(session: Session, token: str, reason: str) -> None:
    session.execute(update(StaffSession)
                    .where(StaffSession.token_hash == token_hash(token), StaffSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow(), revoked_reason=reason))


def revoke_all(session: Session, user_id: int, reason: str) -> int:
    """End every session of one person (password changed, account locked or deactivated); returns how many."""
    result = session.execute(update(StaffSession)
                             .where(StaffSession.user_id == user_id, StaffSession.revoked_at.is_(None))
                             .values(revoked_at=utcnow(), revoked_reason=reason))
    return result.rowcount


def purge_visitor_sessions(session: Session) -> int:
    """Delete the sessions of visitors who never signed in and have gone idle (they hold only a CSRF token).
    Sessions of signed-in people stay, revoked, as the record of who was signed in when."""
    result = session.execute(delete(StaffSession).where(StaffSession.user_id.is_(None),
                                                        StaffSession.last_seen_at < utcnow() - IDLE_LIMIT))
    return result.rowcount

