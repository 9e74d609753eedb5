"""Who may open a page: every staff view declares its roles with @roles_required, and the declaration is what
the access-matrix test reads (tests/test_web_access_matrix.py) to request every route as every role. A page
without it fails that test. (JSON API routes follow processes/access.py; the test lists them in API_RULES.)
An object outside the person's ward or department is 404 (raise processes.tasks.access.not_found), never 403."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from processes.tasks.access import Actor

ALL_STAFF = frozenset({"operator", "supervisor", "dept_staff", "counter", "process_owner", "admin", "auditor"})


def roles_required(*roles: str):
    """Sign-in required; a signed-in person of another role gets 403. `allowed_roles` stays on the view."""
    allowed = frozenset(roles) or ALL_STAFF
    unknown = allowed - ALL_STAFF
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        guarded = login_required(wrapper)
        guarded.allowed_roles = allowed
        return guarded
    return decorate


def page_actor() -> Actor:
    """The signed-in person as processes/access.py sees them (same rules as the JSON API)."""
    return Actor(current_user.username, current_user.role, current_user.ward, current_user.department)
