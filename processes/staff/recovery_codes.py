"""One-time recovery codes of the second factor (issue #13, 10).

Ten codes are made when a person finishes enrolling their authenticator app, and again whenever they ask for new
ones (the old ones stop working). They are shown once and kept only as hashes. At sign-in a code stands in for the
app's 6-digit code, once: a lost or forgotten phone does not lock the person out, and a code seen by someone else
is worth one sign-in at most (which the person notices, since the count of codes left goes down).
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.runtime import audit
from processes.staff.models import StaffRecoveryCode

COUNT = 10
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""32 symbols without 0/O and 1/I, which people misread on paper."""
GROUPS, GROUP_LENGTH = 4, 4
"""16 symbols, 80 random bits, shown as XXXX-XXXX-XXXX-XXXX."""
_SHAPE = re.compile(f"^[{ALPHABET}]{{{GROUPS * GROUP_LENGTH}}}$")


def normalize(raw: str) -> str:
    """Full-width letters, lower case, spaces and hyphens (「ａｂｃｄ－ｅｆｇｈ」) are what people type."""
    return re.sub(r"[\s\-‐ー−]", "", unicodedata.normalize("NFKC", raw or "")).upper()


def well_formed(code: str) -> bool:
    return bool(_SHAPE.match(code))


def _hash(user_id: int, code: str) -> str:
    return hashlib.sha256(f"okuyami-recovery:{user_id}:{code}".encode("ascii")).hexdigest()


def _new_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i:i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def generate(session: Session, user_id: int, username: str, actor: str | None = None) -> list[str]:
    """Ten new codes for the person, replacing every earlier one; returned once, in clear, to be shown."""
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user_id))
    codes = [_new_code() for _ in range(COUNT)]
    now = utcnow()
    session.add_all(StaffRecoveryCode(user_id=user_id, code_hash=_hash(user_id, normalize(c)), created_at=now)
                    for c in codes)
    session.flush()
    audit.record(session, actor or username, "user.recovery_codes_generated",
                 detail={"user_id": user_id, "count": COUNT})
    return codes


def remaining(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(StaffRecoveryCode)
                          .where(StaffRecoveryCode.user_id == user_id, StaffRecoveryCode.used_at.is_(None))) or 0


def use(session: Session, user_id: int, code: str) -> bool:
    """Spend one well-formed, normalized code; False when it is not one of the person's unused codes. The update
    is conditional, so two sign-ins racing with the same code cannot both succeed."""
    result = session.execute(update(StaffRecoveryCode)
                             .where(StaffRecoveryCode.user_id == user_id,
                                    StaffRecoveryCode.code_hash == _hash(user_id, code),
                                    StaffRecoveryCode.used_at.is_(None))
                             .values(used_at=utcnow()))
    return result.rowcount == 1


def remove_all(session: Session, user_id: int) -> int:
    return session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.user_id == user_id)).rowcount
