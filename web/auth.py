"""Login and logout."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from engine import accounts
from engine.runtime import audit

from .extensions import platform
from .identity import StaffUser

bp = Blueprint("auth", __name__)
ABSOLUTE_SESSION_HOURS = 12


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("tasks.worklist")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("tasks.worklist"))
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        with platform().database.transaction() as s:
            user = accounts.authenticate(s, username, password)
            if user is not None:
                audit.record(s, user.username, "user.login", detail={"user_id": user.id})
                staff = StaffUser.from_row(user)
        if user is None:
            flash("ユーザー名またはパスワードが正しくありません。続けて間違えると一定時間ログインできなくなります。", "error")
            return render_template("login.html", username=username), 401
        session.clear()
        session.permanent = True
        session["signed_in_at"] = datetime.now(timezone.utc).timestamp()
        login_user(staff)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", username="")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    with platform().database.transaction() as s:
        audit.record(s, current_user.username, "user.logout")
    logout_user()
    session.clear()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))


@bp.before_app_request
def enforce_absolute_session_limit():
    signed_in_at = session.get("signed_in_at")
    if signed_in_at is None or not current_user.is_authenticated:
        return None
    age_hours = (datetime.now(timezone.utc).timestamp() - signed_in_at) / 3600
    if age_hours > ABSOLUTE_SESSION_HOURS:
        logout_user()
        session.clear()
        flash("ログインから12時間が経過したため、ログアウトしました。もう一度ログインしてください。", "info")
        return redirect(url_for("auth.login"))
    return None
