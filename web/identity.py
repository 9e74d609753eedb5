"""The signed-in person as the web layer sees them: no password hash, no ORM object kept across requests."""
from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin

from engine.db.models import User
from processes.roles import ROLES

from .extensions import login_manager, platform


@dataclass(frozen=True)
class StaffUser(UserMixin):
    user_id: int
    username: str
    display_name: str
    role: str
    ward: str | None
    department: str | None
    session_stamp: str

    def get_id(self) -> str:
        return f"{self.user_id}:{self.session_stamp}"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @classmethod
    def from_row(cls, user: User) -> "StaffUser":
        return cls(user.id, user.username, user.display_name, user.role, user.ward, user.department,
                   user.password_hash[-12:])


@login_manager.user_loader
def load_user(identity: str) -> StaffUser | None:
    user_id, _, stamp = identity.partition(":")
    if not user_id.isdigit():
        return None
    with platform().database.transaction(write=False) as session:
        user = session.get(User, int(user_id))
        if user is None or not user.active:
            return None
        staff = StaffUser.from_row(user)
    # A changed password invalidates every existing session of that user.
    return staff if staff.session_stamp == stamp else None
