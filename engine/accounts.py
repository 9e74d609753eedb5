"""User accounts: argon2 password hashes, bearer tokens stored only as SHA-256, lockout after repeated failures."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, username: str, role: str, password: str, *, display_name: str | None = None,
                ward: str | None = None, department: str | None = None, actor: str = "system") -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidTaskData("password too short", user_message=f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。")
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


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user if the password is right and the account usable; counts failures and locks after too many."""
    user = session.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is None:
        _hasher.hash(password)  # same cost as a real check: no user enumeration by timing
        return None
    if not user.active or (user.locked_until is not None and user.locked_until > now):
        _hasher.hash(password)  # a locked account answers in the same time as a wrong password
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(session, "system", "user.locked", detail={"user_id": user.id})
        return None
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def issue_token(session: Session, username: str, actor: str = "system") -> str:
    """A new bearer token for the JSON API; the previous one stops working. Only its hash is stored."""
    user = get_user(session, username)
    token = secrets.token_urlsafe(32)
    user.token_hash, user.token_created_at = _token_hash(token), utcnow()
    audit.record(session, actor, "user.token_issued", detail={"user_id": user.id})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    if not token:
        return None
    user = session.scalar(select(User).where(User.token_hash == _token_hash(token)))
    return user if user is not None and user.active else None
