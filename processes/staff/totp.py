"""The second factor (TOTP, RFC 6238) of admins, process owners and supervisors: required outside the demo.

Outside the demo (issue #13, 10; ASVS L2) a person of these roles who has not enrolled is led to enrolment right
after their password, before they are signed in; in the demo it stays optional (the demo users sign in with the
password alone and may enrol from their account page). Enrolment makes a secret (encrypted at rest), shown as text,
as an otpauth URI and as a QR code; it becomes active once the person types one code from their authenticator app,
and ten one-time recovery codes are made then (processes/staff/recovery_codes.py). At sign-in the code (or one
recovery code) is asked after the password; wrong ones count toward the same lockout as wrong passwords, and a code
already used (or an older one) is refused, so a code seen over someone's shoulder cannot be replayed.
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
from processes.staff import recovery_codes
from processes.staff import sessions as staff_sessions
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


def is_required(role: str, demo: bool) -> bool:
    """Whether a person of `role` must have a second factor to sign in (outside the demo, for TOTP_ROLES)."""
    return not demo and role in TOTP_ROLES


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


def pending_enrolment(session: Session, user: User) -> Enrolment:
    """The secret a person must confirm at sign-in: the one waiting already (they may have scanned it before the
    five minutes of the sign-in step ran out), else a new one."""
    row = _row(session, user.id)
    if row is not None and row.confirmed_at is None:
        return _enrolment(row, user.username)
    return start_enrolment(session, user)


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


def confirm_enrolment(session: Session, user: User, raw_code: str) -> list[str] | None:
    """Activate the waiting secret with one code of it; returns the person's ten new recovery codes (to be shown
    once), or None when the code is wrong (not counted as a failed sign-in: the person is setting up their app)."""
    row = _row(session, user.id)
    if row is None or row.confirmed_at is not None:
        return None
    code = normalize_code(raw_code)
    if not _CODE.match(code) or not _accept(row, code):
        return None
    row.confirmed_at = utcnow()
    audit.record(session, user.username, "user.totp_enrolled", detail={"user_id": user.id})
    return recovery_codes.generate(session, user.id, user.username)


def regenerate_recovery_codes(session: Session, user: User, raw_code: str) -> list[str] | None:
    """New recovery codes for an enrolled person who proves they hold the app (a current code): an unattended
    screen is not enough to take codes away. None when the code is wrong; a wrong code counts toward the lockout,
    and a lock ends every session of the person (whoever guesses here holds a signed-in screen)."""
    row = _row(session, user.id)
    if row is None or row.confirmed_at is None:
        return None
    code = normalize_code(raw_code)
    if not _CODE.match(code):
        return None
    if not _accept(row, code):
        if accounts.record_failed_login(session, user):
            staff_sessions.revoke_all(session, user.id, "locked")
        return None
    accounts.record_successful_login(user)
    return recovery_codes.generate(session, user.id, user.username)


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


def verify_login_recovery_code(session: Session, user_id: int, raw_code: str) -> LoginCode:
    """The second sign-in step with a recovery code instead of the app's code: spends the code. Wrong codes count
    toward the lockout like wrong app codes; malformed ones are not counted."""
    user = session.get(User, user_id)
    row = _row(session, user_id)
    if user is None or not user.active or accounts.is_locked(user) or row is None or row.confirmed_at is None:
        return LoginCode.LOCKED
    code = recovery_codes.normalize(raw_code)
    if not recovery_codes.well_formed(code):
        return LoginCode.MALFORMED
    if recovery_codes.use(session, user_id, code):
        accounts.record_successful_login(user)
        audit.record(session, user.username, "user.recovery_code_used",
                     detail={"user_id": user_id, "remaining": recovery_codes.remaining(session, user_id)})
        return LoginCode.ACCEPTED
    return LoginCode.LOCKED if accounts.record_failed_login(session, user) else LoginCode.WRONG


def reset(session: Session, username: str, actor: str) -> bool:
    """Remove a person's second factor and recovery codes (lost phone). Outside the demo their next sign-in leads
    them to enrol again (inside it they may sign in with the password alone). Returns whether there was one."""
    user = accounts.get_user(session, username)
    had = is_enrolled(session, user.id)
    session.execute(delete(StaffTotp).where(StaffTotp.user_id == user.id))
    recovery_codes.remove_all(session, user.id)
    audit.record(session, actor, "user.totp_reset", detail={"user_id": user.id, "had_second_factor": had})
    return had
