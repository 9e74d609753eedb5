"""User accounts: argon2 password hashes, bearer tokens stored only as SHA-256, lockout after repeated failures."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db.driver import one_row
from .db.models import User
from .db.types import utcnow
from .errors import InvalidTaskData, NotFound
from .runtime import audit

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


class DuplicateUser(InvalidTaskData):
    user_message = "同じユーザー名がすでに登録されています。"


@dataclass(frozen=True)
class TokenHolder:
    """Who a bearer token stands for, as the API needs them (the users row's fields a request acts on)."""
    id: int
    username: str
    display_name: str
    role: str
    ward: str | None
    department: str | None


_TOKEN_HOLDER = select(User.id, User.username, User.display_name, User.role, User.ward, User.department).where(
    User.token_hash == bindparam("token_hash"), User.active.is_(True))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    """What is stored of a token (and what a cache may key it by): its SHA-256."""
    return _token_hash(token)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidTaskData("password too short", user_message=f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def create_user(session: Session, username: str, role: str, password: str, *, display_name: str | None = None,
                ward: str | None = None, department: str | None = None, actor: str = "system") -> User:
    check_password_rules(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DuplicateUser(f"user {username!r} exists")
    user = User(username=username, display_name=display_name or username, role=role, ward=ward,
                department=department, password_hash=_hasher.hash(password), active=True, failed_logins=0)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError as exc:  # a concurrent create of the same name won the race
        raise DuplicateUser(f"user {username!r} exists") from exc
    audit.record(session, actor, "user.created", detail={"user_id": user.id, "role": role, "ward": ward,
                                                         "department": department})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"user {username!r} not found", user_message="ユーザーが見つかりません。")
    return user


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def record_failed_login(session: Session, user: User) -> bool:
    """One more failure (a wrong password or a wrong second-factor code); True when it locked the account."""
    user.failed_logins += 1
    if user.failed_logins < MAX_FAILED_LOGINS:
        return False
    user.locked_until, user.failed_logins = utcnow() + LOCKOUT, 0
    audit.record(session, "system", "user.locked", detail={"user_id": user.id})
    return True


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(session: Session, username: str, password: str, *, count_failure: bool = True) -> User | None:
    """The user if the password is right and the account usable; counts a failure (locking after too many) but
    does not clear the count: with a second factor to come, only the whole sign-in does that. The sign-in page
    passes count_failure=False: it throttles per address and account instead (processes/staff/throttle.py)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        _hasher.hash(password)  # same cost as a real check: no user enumeration by timing
        return None
    if not user.active or is_locked(user):
        _hasher.hash(password)  # a locked account answers in the same time as a wrong password
        return None
    if not password_matches(user, password):
        if count_failure:
            record_failed_login(session, user)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def record_successful_login(user: User) -> None:
    user.failed_logins, user.locked_until = 0, None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Sign-in with the password alone: the user if it is right (the failure count starts again), else None."""
    user = check_password(session, username, password)
    if user is not None:
        record_successful_login(user)
    return user


def issue_token(session: Session, username: str, actor: str = "system") -> str:
    """A new bearer token for the JSON API; the previous one stops working. Only its hash is stored."""
    user = get_user(session, username)
    token = secrets.token_urlsafe(32)
    user.token_hash, user.token_created_at = _token_hash(token), utcnow()
    audit.record(session, actor, "user.token_issued", detail={"user_id": user.id})
    return token


def token_holder(session: Session, digest: str) -> TokenHolder | None:
    """The active user whose token has this digest (token_digest), in one statement; None for no such user."""
    row = one_row(session.connection(), _TOKEN_HOLDER, {"token_hash": digest})
    return TokenHolder(*row) if row is not None else None


def user_for_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.scalar(select(User).where(User.token_hash == _token_hash(token)))
    return user if user is not None and user.active else None
