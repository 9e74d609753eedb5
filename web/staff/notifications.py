"""The bell in the page header (an htmx fragment with the unread count), the list of one's notifications, and
marking them read. Everyone signed in sees only their own notifications; another person's is 404."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from processes.notifications import store
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")


def _own_path(link: str | None) -> str:
    """Only a path inside this application is followed (never another host)."""
    if link and link.startswith("/") and not link.startswith("//") and not urlparse(link).netloc:
        return link
    return url_for("notifications.index")


@bp.get("/bell")
@roles_required()
def bell():
    with platform().database.transaction(write=False) as session:
        unread = store.unread_count(session, current_user.username)
    return render_template("notifications/_bell.html", unread=unread)


@bp.get("")
@roles_required()
def index():
    unread_only = request.args.get("show") == "unread"
    with platform().database.transaction(write=False) as session:
        rows = store.recent(session, current_user.username, unread_only=unread_only)
        unread = store.unread_count(session, current_user.username)
    return render_template("notifications/index.html", notifications=rows, unread=unread, unread_only=unread_only)


@bp.post("/<int:notification_id>/read")
@roles_required()
def read(notification_id: int):
    """Mark read; `open` in the form also goes to what the notification is about."""
    with platform().database.transaction() as session:
        row = store.mark_read(session, current_user.username, notification_id)
        if row is None:
            abort(404)
    if request.form.get("open"):
        return redirect(_own_path(row.link))
    if request.headers.get("HX-Request"):
        response = render_template("notifications/_item.html", item=row)
        return response, 200, {"HX-Trigger": "notifications-changed"}
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@roles_required()
def read_all():
    with platform().database.transaction() as session:
        store.mark_all_read(session, current_user.username)
    return redirect(url_for("notifications.index"))
