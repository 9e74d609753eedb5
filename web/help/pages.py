"""/help: the signed-in person's manual first, the other roles' reachable; /help/<role>: one role's manual, one
section per screen (its id is the screen's endpoint, which every screen's help link names)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from processes.manual.steps import manual, roles_first
from processes.roles import ROLES
from web.guards import page_actor, roles_required

bp = Blueprint("help", __name__, template_folder="templates")


@bp.get("/help")
@roles_required(*ROLES)
def index():
    role = page_actor().role
    return render_template("help/manual.html", role=role, label=ROLES[role], sections=manual()[role],
                           others=[(r, ROLES[r]) for r in roles_first(role)[1:]])


@bp.get("/help/<role>")
@roles_required(*ROLES)
def for_role(role: str):
    if role not in ROLES:
        abort(404)
    return render_template("help/manual.html", role=role, label=ROLES[role], sections=manual()[role],
                           others=[(r, ROLES[r]) for r in roles_first(page_actor().role) if r != role])
