"""/help: the signed-in person's manual first, the other roles' reachable; /help/<role>: one role's manual, one
section per screen (its id is the screen's endpoint, which every screen's help link names). The screenshots are
shown when the manual has been built into the instance folder (`okuyami manual build --out INSTANCE/manual`)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template, send_from_directory

from processes.manual.steps import manual, roles_first
from processes.roles import ROLES
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("help", __name__, template_folder="templates")


def _images(role: str) -> Path:
    return Path(platform().settings.instance_path) / "manual" / role / "images"


def _page(role: str, others: list[str]):
    folder = _images(role)
    shots = {s.shot_name(i) for s in manual()[role] for i, _ in enumerate(s.steps, 1) if (folder / s.shot_name(i)).is_file()}
    return render_template("help/manual.html", role=role, label=ROLES[role], sections=manual()[role], shots=shots,
                           others=[(r, ROLES[r]) for r in others])


@bp.get("/help")
@roles_required(*ROLES)
def index():
    return _page(page_actor().role, roles_first(page_actor().role)[1:])


@bp.get("/help/<role>")
@roles_required(*ROLES)
def for_role(role: str):
    if role not in ROLES:
        abort(404)
    return _page(role, [r for r in roles_first(page_actor().role) if r != role])


@bp.get("/help/<role>/images/<name>")
@roles_required(*ROLES)
def image(role: str, name: str):
    if role not in ROLES:
        abort(404)
    return send_from_directory(_images(role), name)
