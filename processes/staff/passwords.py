"""Changing a password: the person's own change (with the current password) and an administrator's reset. Either
ends every session of that person, so a stolen session does not outlive the password it was opened with."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine import accounts
from engine.db.models import User
from engine.errors import InvalidTaskData
from engine.runtime import audit
from processes.staff import sessions
from processes.tasks.validation import FieldError, ValidationFailed


def change_own_password(session: Session, user_id: int, current: str, new: str, confirmation: str) -> None:
    """Raises ValidationFailed naming each bad field. A wrong current password counts as a failed login: enough of
    them lock the account and end its sessions, as at the login page."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationFailed([FieldError("current_password", "このアカウントは利用できません。")])
    if not accounts.password_matches(user, current):
        if accounts.record_failed_login(session, user):
            sessions.revoke_all(session, user.id, "locked")
        raise ValidationFailed([FieldError("current_password", "現在のパスワードが正しくありません。")])
    errors = []
    try:
        accounts.check_password_rules(new)
    except InvalidTaskData as exc:
        errors.append(FieldError("new_password", exc.user_message))
    if not errors and new == current:
        errors.append(FieldError("new_password", "現在と異なるパスワードにしてください。"))
    if new != confirmation:
        errors.append(FieldError("new_password_confirmation", "確認のため、同じパスワードをもう一度入力してください。"))
    if errors:
        raise ValidationFailed(errors)
    _replace(session, user, new, actor=user.username)


def reset_password(session: Session, username: str, new: str, actor: str) -> None:
    """An administrator sets a new password (the person forgot theirs); also lifts a lockout."""
    user = accounts.get_user(session, username)
    _replace(session, user, new, actor=actor)


def _replace(session: Session, user: User, new: str, actor: str) -> None:
    user.password_hash = accounts.hash_password(new)
    user.failed_logins, user.locked_until = 0, None
    ended = sessions.revoke_all(session, user.id, "password_changed")
    audit.record(session, actor, "user.password_changed", detail={"user_id": user.id, "sessions_ended": ended})
