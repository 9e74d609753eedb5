"""The optional second factor (TOTP, RFC 6238) of admins, process owners and supervisors.

A person enrols from their own account page: a secret is made (encrypted at rest), shown as text, as an otpauth URI
and as a QR code, and becomes active once they type one code from their authenticator app. At sign-in the code is
asked after the password; wrong codes count toward the same lockout as wrong passwords, and a code already used
(or an older one) is refused, so a code seen over someone's shoulder cannot be replayed.
"""
from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import accounts
from engine.db.models import User
from engine.db.types import utcnow
from engine.errors import InvalidTaskData
from engine.runtime import audit
from processes.staff.models import StaffTotp

TOTP_ROLES = frozenset({"admin", "process_owner", "supervisor"})
ISSUER = "おくやみコーナー業務システム"
ACCEPTED_DRIFT_STEPS = 1
"""A code of the previous or next 30-second step is accepted too (clocks of phones drift)."""
_CODE = re.compile(r"^[0-9]{6}$")


class LoginCode(Enum):
    ACCEPTED = "accepted"
    MALFORMED = "malformed"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str
    confirmed_at: datetime | None


def normalize_code(raw: str) -> str:
    """Full-width digits and spaces (「１２３ ４５６」) are what people type on a Japanese keyboard."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", raw or ""))


def _row(session: Session, user_id: int) -> StaffTotp | None:
    return session.scalar(select(StaffTotp).where(StaffTotp.user_id == user_id))


def is_enrolled(session: Session, user_id: int) -> bool:
    row = _row(session, user_id)
    return row is not None and row.confirmed_at is not None


def _enrolment(row: StaffTotp, username: str) -> Enrolment:
    secret = row.secret.decode("ascii")
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER), row.confirmed_at)


def enrolment(session: Session, user: User) -> Enrolment | None:
    row = _row(session, user.id)
    return _enrolment(row, user.username) if row is not None else None


def start_enrolment(session: Session, user: User) -> Enrolment:
    """A new secret waiting for its first code; replaces an unconfirmed one. An active one is never replaced here
    (a lost phone is reset by an admin: `okuyami users totp-reset NAME`)."""
    if user.role not in TOTP_ROLES:
        raise InvalidTaskData(f"role {user.role} has no second factor",
                              user_message="このロールでは2段階認証を設定できません。")
    row = _row(session, user.id)
    if row is not None and row.confirmed_at is not None:
        raise InvalidTaskData("second factor already active", user_message="2段階認証はすでに設定されています。")
    secret = pyotp.random_base32()
    if row is None:
        row = StaffTotp(user_id=user.id, created_at=utcnow())
        session.add(row)
    row.secret, row.created_at, row.last_used_step = secret.encode("ascii"), utcnow(), None
    session.flush()
    return _enrolment(row, user.username)


def _accept(row: StaffTotp, code: str) -> bool:
    """Whether `code` belongs to a time step near now that is later than the last accepted one; remembers it."""
    totp = pyotp.TOTP(row.secret.decode("ascii"))
    current = totp.timecode(utcnow())
    for step in range(current - ACCEPTED_DRIFT_STEPS, current + ACCEPTED_DRIFT_STEPS + 1):
        if row.last_used_step is not None and step <= row.last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            row.last_used_step = step
            return True
    return False


def confirm_enrolment(session: Session, user: User, raw_code: str) -> bool:
    row = _row(session, user.id)
    if row is None or row.confirmed_at is not None:
        return False
    code = normalize_code(raw_code)
    if not _CODE.match(code) or not _accept(row, code):
        return False
    row.confirmed_at = utcnow()
    audit.record(session, user.username, "user.totp_enrolled", detail={"user_id": user.id})
    return True


def verify_login_code(session: Session, user_id: int, raw_code: str) -> LoginCode:
    """The second sign-in step. A wrong code is a failed login (five lock the account); a malformed one is not
    counted, since it can never be right."""
    user = session.get(User, user_id)
    row = _row(session, user_id)
    if user is None or not user.active or accounts.is_locked(user) or row is None or row.confirmed_at is None:
        return LoginCode.LOCKED
    code = normalize_code(raw_code)
    if not _CODE.match(code):
        return LoginCode.MALFORMED
    if _accept(row, code):
        accounts.record_successful_login(user)
        return LoginCode.ACCEPTED
    return LoginCode.LOCKED if accounts.record_failed_login(session, user) else LoginCode.WRONG


def reset(session: Session, username: str, actor: str) -> bool:
    """Remove a person's second factor (lost phone); they sign in with the password alone and may enrol again.
    Returns whether there was one."""
    user = accounts.get_user(session, username)
    removed = session.execute(delete(StaffTotp).where(StaffTotp.user_id == user.id)).rowcount
    audit.record(session, actor, "user.totp_reset", detail={"user_id": user.id, "had_second_factor": bool(removed)})
    return bool(removed)
