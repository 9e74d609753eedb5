"""People on screens by their names, never their login IDs: the `person` filter turns a username (an assignee, who
completed a task, an audit entry's actor) into the display name, from one read of the accounts per request."""
from __future__ import annotations

from flask import Flask, g
from sqlalchemy import select

from engine.db.models import User
from processes.administration.audit_trail import SYSTEM_ACTORS
from web.extensions import platform

UNKNOWN = "（登録のないアカウント）"


def _read_names(session) -> dict[str, str]:
    return {username: name for username, name in session.execute(select(User.username, User.display_name))}


def remember_names(session) -> None:
    """Read the names in the caller's transaction (a page that shows people saves itself a second one)."""
    if getattr(g, "_person_names", None) is None:
        g._person_names = _read_names(session)


def _names() -> dict[str, str]:
    names = getattr(g, "_person_names", None)
    if names is None:
        with platform().database.transaction(write=False) as session:
            names = _read_names(session)
        g._person_names = names
    return names


def person(username: str | None, empty: str = "") -> str:
    if not username:
        return empty
    return SYSTEM_ACTORS.get(username) or _names().get(username) or UNKNOWN


def init_app(app: Flask) -> None:
    app.add_template_filter(person)
