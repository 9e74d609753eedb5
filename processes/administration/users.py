"""The administrator's work on staff accounts: create, change role and scope, deactivate and reactivate, unlock,
reset the password or the second factor, issue and revoke the API token. Each change is audited; the rules of
passwords, lockout and TOTP stay with engine/accounts.py and processes/staff (called, never repeated here)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import accounts
from engine.db.models import User
from engine.errors import InvalidTaskData, NotFound
from engine.runtime import audit
from processes.departments import DEPARTMENTS
from processes.roles import ROLES, SCOPED_ROLES
from processes.staff import passwords, sessions, totp
from processes.staff.models import StaffTotp
from processes.tasks.validation import FieldError, ValidationFailed
from processes.wards import load_wards

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
ACTIONS = ("deactivate", "activate", "unlock", "reset_password", "reset_totp", "issue_token", "revoke_token")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: str
    ward: str | None
    department: str | None
    active: bool
    locked: bool
    has_token: bool
    token_created_at: datetime | None
    has_second_factor: bool
    created_at: datetime


def list_accounts(session: Session) -> list[Account]:
    enrolled = set(session.scalars(select(StaffTotp.user_id).where(StaffTotp.confirmed_at.is_not(None))))
    rows = session.scalars(select(User).order_by(User.role, User.username))
    return [_account(row, row.id in enrolled) for row in rows]


def get_account(session: Session, user_id: int) -> Account:
    row = session.get(User, user_id)
    if row is None:
        raise NotFound(f"user {user_id} not found", user_message="ユーザーが見つかりません。")
    return _account(row, totp.is_enrolled(session, row.id))


def _account(row: User, has_second_factor: bool) -> Account:
    return Account(row.id, row.username, row.display_name, row.role, row.ward, row.department, row.active,
                   accounts.is_locked(row), row.token_hash is not None, row.token_created_at, has_second_factor,
                   row.created_at)


def _scope_errors(role: str, ward: str, department: str) -> tuple[list[FieldError], str | None, str | None]:
    errors = []
    if role not in ROLES:
        errors.append(FieldError("role", "役割を一覧から選んでください。"))
    needs = SCOPED_ROLES.get(role, ())
    if "ward" in needs and ward not in load_wards():
        errors.append(FieldError("ward", "この役割には担当の区が必要です。一覧から選んでください。"))
    if "department" in needs and department not in DEPARTMENTS:
        errors.append(FieldError("department", "この役割には担当課が必要です。一覧から選んでください。"))
    return errors, (ward if "ward" in needs else None), (department if "department" in needs else None)


def create_account(session: Session, form: dict, actor: str) -> User:
    username = (form.get("username") or "").strip()
    display_name = (form.get("display_name") or "").strip()
    password = form.get("password") or ""
    errors, ward, department = _scope_errors(form.get("role") or "", form.get("ward") or "",
                                             form.get("department") or "")
    if not USERNAME.match(username):
        errors.insert(0, FieldError("username", "ユーザー名は半角の英小文字・数字と _ . - で2〜64文字にしてください"
                                                "（先頭は英小文字か数字）。"))
    if not display_name or len(display_name) > 100:
        errors.insert(1, FieldError("display_name", f"氏名は1〜100文字で入力してください（現在{len(display_name)}文字）。"))
    try:
        accounts.check_password_rules(password)
    except InvalidTaskData as exc:
        errors.append(FieldError("password", exc.user_message))
    if errors:
        raise ValidationFailed(errors)
    try:
        return accounts.create_user(session, username, form["role"], password, display_name=display_name,
                                    ward=ward, department=department, actor=actor)
    except accounts.DuplicateUser as exc:
        raise ValidationFailed([FieldError("username", exc.user_message)]) from exc


def update_account(session: Session, user_id: int, form: dict, actor: str) -> None:
    """Name, role and scope. A change of role or scope ends the person's sessions: they sign in again to it."""
    user = _user(session, user_id)
    display_name = (form.get("display_name") or "").strip()
    errors, ward, department = _scope_errors(form.get("role") or "", form.get("ward") or "",
                                             form.get("department") or "")
    if not display_name or len(display_name) > 100:
        errors.insert(0, FieldError("display_name", f"氏名は1〜100文字で入力してください（現在{len(display_name)}文字）。"))
    if user.username == actor and form.get("role") != user.role:
        errors.append(FieldError("role", "自分自身の役割は変更できません。別の管理者に依頼してください。"))
    if errors:
        raise ValidationFailed(errors)
    before = {"role": user.role, "ward": user.ward, "department": user.department}
    after = {"role": form["role"], "ward": ward, "department": department}
    user.display_name = display_name
    if before != after:
        user.role, user.ward, user.department = after["role"], ward, department
        sessions.revoke_all(session, user.id, "deactivated")
    audit.record(session, actor, "user.updated", before=before, after=after,
                 detail={"user_id": user.id, **{f"new_{k}": v for k, v in after.items()}})


def apply_action(session: Session, user_id: int, action: str, actor: str, new_password: str = "") -> str | None:
    """One of ACTIONS on the account; returns the new API token for issue_token (shown once), else None."""
    user = _user(session, user_id)
    if action not in ACTIONS:
        raise ValidationFailed([FieldError("action", "操作を選んでください。")])
    if action == "deactivate":
        if user.username == actor:
            raise ValidationFailed([FieldError("action", "自分自身のアカウントは無効にできません。")])
        user.active = False
        ended = sessions.revoke_all(session, user.id, "deactivated")
        audit.record(session, actor, "user.deactivated", detail={"user_id": user.id, "sessions_ended": ended})
    elif action == "activate":
        user.active = True
        audit.record(session, actor, "user.activated", detail={"user_id": user.id})
    elif action == "unlock":
        user.failed_logins, user.locked_until = 0, None
        audit.record(session, actor, "user.unlocked", detail={"user_id": user.id})
    elif action == "reset_password":
        try:
            accounts.check_password_rules(new_password)
        except InvalidTaskData as exc:
            raise ValidationFailed([FieldError("new_password", exc.user_message)]) from exc
        passwords.reset_password(session, user.username, new_password, actor=actor)
    elif action == "reset_totp":
        totp.reset(session, user.username, actor=actor)
    elif action == "issue_token":
        return accounts.issue_token(session, user.username, actor=actor)
    elif action == "revoke_token":
        user.token_hash, user.token_created_at = None, None
        audit.record(session, actor, "user.token_revoked", detail={"user_id": user.id})
    return None


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found", user_message="ユーザーが見つかりません。")
    return user
