"""Login (password, then the second factor: the TOTP code, or enrolment where it is required and missing), logout,
and why a session ended. Enrolment at sign-in and recovery codes: web/signin/second_factor.py."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from engine import accounts
from engine.runtime import audit
from processes.staff import sessions as staff_sessions
from processes.staff import throttle, totp
from processes.staff.totp import LoginCode
from web.extensions import platform
from web.guards import roles_required
from web.identity import StaffUser

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "ユーザー名またはパスワードが正しくありません。続けて間違えると一定時間ログインできなくなります。"
ENDED_MESSAGES = {
    "idle": "30分間操作がなかったため、ログアウトしました。もう一度ログインしてください。",
    "absolute": "ログインから12時間が経過したため、ログアウトしました。もう一度ログインしてください。",
    "password_changed": "パスワードが変更されたため、ログアウトしました。新しいパスワードでログインしてください。",
    "second_factor": "確認コードの入力期限（5分）が過ぎました。もう一度ログインしてください。",
    "locked": "ログインの失敗が続いたため、このアカウントは一時的にロックされています。しばらくしてから再度ログインしてください。",
    "deactivated": "このアカウントは利用できなくなりました。管理者に連絡してください。",
    "visitor_idle": "ログイン画面を開いてから30分以上経過したため、送信できませんでした。もう一度入力してください。",
}


HOME_PAGES = {"admin": "admin_users.index", "auditor": "audit.index"}
"""Where a role lands after sign-in when it has no task list of its own (others: the worklist)."""


def home_url(role: str) -> str:
    return url_for(HOME_PAGES.get(role, "tasks.worklist"))


def _safe_next(target: str | None, role: str) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return home_url(role)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    if request.method == "GET":
        return render_template("login.html", username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    with platform().database.transaction() as s:
        wait = throttle.wait_seconds(s, address, username)
        user = None if wait else accounts.check_password(s, username, password, count_failure=False)
        if user is None and not wait:
            wait = throttle.record_failure(s, address, username)
        elif user is not None:
            throttle.clear(s, address, username)
            enrolled = totp.is_enrolled(s, user.id)
            must_enrol = not enrolled and totp.is_required(user.role, platform().settings.demo)
            if must_enrol:
                totp.pending_enrolment(s, user)
            needs_code = enrolled or must_enrol
            if not needs_code:  # else the sign-in completes, and the failure count starts again, with the code
                accounts.record_successful_login(user)
                audit.record(s, user.username, "user.login", detail={"user_id": user.id})
            if session.token is not None:
                staff_sessions.revoke(s, session.token, "signed_in_again")
            staff_sessions.purge_visitor_sessions(s)
            staff = StaffUser.from_row(user)
    if user is None:
        flash(throttle.wait_message(wait) if wait else WRONG_CREDENTIALS, "error")
        return render_template("login.html", username=username), 429 if wait else 401
    session.start(staff, second_factor_pending=needs_code)
    if needs_code:
        step = "auth_second_factor.enrol" if must_enrol else "auth.second_factor"
        return redirect(url_for(step, next=request.args.get("next")))
    login_user(staff)
    return redirect(_safe_next(request.args.get("next"), staff.role))


@bp.route("/login/totp", methods=["GET", "POST"])
def second_factor():
    """The second step: the 6-digit code of the person's authenticator app."""
    pending = session.user if session.second_factor_pending else None
    if pending is None:
        return redirect(url_for("auth.login"))
    with platform().database.transaction(write=False) as s:
        enrolled = totp.is_enrolled(s, pending.user_id)
    if not enrolled:                      # reset meanwhile, or sent here before enrolling: enrol first
        return redirect(url_for("auth_second_factor.enrol", next=request.args.get("next")))
    if request.method == "GET":
        return render_template("account/login_totp.html")
    with platform().database.transaction() as s:
        result = totp.verify_login_code(s, pending.user_id, request.form.get("code", ""))
        if result is LoginCode.ACCEPTED:
            staff_sessions.revoke(s, session.token, "second_factor_done")
            audit.record(s, pending.username, "user.login", detail={"user_id": pending.user_id,
                                                                     "second_factor": True})
        elif result is LoginCode.LOCKED:
            staff_sessions.revoke(s, session.token, "locked")
    if result is LoginCode.ACCEPTED:
        session.start(pending, second_factor_pending=False)
        login_user(pending)
        return redirect(_safe_next(request.args.get("next"), pending.role))
    if result is LoginCode.LOCKED:
        session.end()
        flash(ENDED_MESSAGES["locked"], "error")
        return redirect(url_for("auth.login"))
    message = ("確認コードは6桁の数字で入力してください。" if result is LoginCode.MALFORMED else
               "確認コードが正しくありません。続けて間違えると一定時間ログインできなくなります。")
    return render_template("account/login_totp.html", error=message), 401


@bp.route("/logout", methods=["POST"])
@roles_required()
def logout():
    with platform().database.transaction() as s:
        staff_sessions.revoke(s, session.token, "logout")
        audit.record(s, current_user.username, "user.logout")
    logout_user()
    session.end()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))


def explain_ended_session():
    """A session that ended by a limit (not by logout) sends the person to the login page with the reason. It
    runs before the CSRF check: a form sent after the idle limit is explained, not refused as a bad request."""
    reason = getattr(session, "ended_reason", None)
    if reason is None:
        return None
    session.ended_reason = None
    message = ENDED_MESSAGES.get(reason)
    if request.method == "GET" and (message is None or reason == "visitor_idle"):
        return None  # signed out by logout, or a visitor's old login form: nothing to explain
    if message is not None:
        flash(message, "info")
    if request.method == "GET" and request.endpoint == "auth.login":
        return None
    target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": target}
    return redirect(target)

@bp.record_once
def _run_first(state) -> None:
    state.app.before_request_funcs.setdefault(None, []).insert(0, explain_ended_session)
