"""The signed-in person as the web layer sees them: no password hash, no ORM object kept across requests.

Who is signed in comes from the server-side session (web/sessions.py), never from the cookie's content."""
from __future__ import annotations

from dataclasses import dataclass

from flask import session
from flask_login import UserMixin

from engine.db.models import User
from processes.roles import ROLES
from web.extensions import login_manager


@dataclass(frozen=True)
class StaffUser(UserMixin):
    user_id: int
    username: str
    display_name: str
    role: str
    ward: str | None
    department: str | None

    def get_id(self) -> str:
        return str(self.user_id)

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @classmethod
    def from_row(cls, user: User) -> "StaffUser":
        return cls(user.id, user.username, user.display_name, user.role, user.ward, user.department)


@login_manager.user_loader
def load_user(identity: str) -> StaffUser | None:
    user = getattr(session, "signed_in_user", None)
    return user if user is not None and user.get_id() == identity else None
