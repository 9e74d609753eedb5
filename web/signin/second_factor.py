"""The second factor's sign-in steps besides the app's code (web/auth.py): enrolment where the second factor is
required and missing, and a one-time recovery code instead of the app's code.

Both run in the half-signed-in session the right password opened (five minutes, nothing else reachable). Enrolment
shows the secret as a QR code and as text, takes one code of the app, and answers with the ten recovery codes,
shown this once; the person is signed in from then on.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from engine.db.models import User
from engine.runtime import audit
from processes.staff import recovery_codes, totp
from processes.staff import sessions as staff_sessions
from processes.staff.totp import LoginCode
from web.auth import ENDED_MESSAGES, _safe_next
from web.extensions import platform
from web.identity import StaffUser
from web.signin.qr import qr_data_uri

bp = Blueprint("auth_second_factor", __name__)

FEW_CODES_LEFT = 3
WRONG_RECOVERY_CODE = "回復コードが正しくないか、すでに使われています。続けて間違えると一定時間ログインできなくなります。"
MALFORMED_RECOVERY_CODE = "回復コードは英数字16文字（例: ABCD-EFGH-JKLM-NPQR）で入力してください。"
WRONG_ENROLMENT_CODE = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"


def _pending() -> StaffUser | None:
    return session.user if session.second_factor_pending else None


def _signed_in(s, pending: StaffUser, how: str) -> None:
    """The sign-in completes: the half-way session ends and the login is recorded (in the caller's transaction)."""
    staff_sessions.revoke(s, session.token, "second_factor_done")
    audit.record(s, pending.username, "user.login", detail={"user_id": pending.user_id, "second_factor": how})


def _start(pending: StaffUser) -> None:
    session.start(pending, second_factor_pending=False)
    login_user(pending)


def _locked():
    session.end()
    flash(ENDED_MESSAGES["locked"], "error")
    return redirect(url_for("auth.login"))


@bp.route("/login/totp/enrol", methods=["GET", "POST"])
def enrol():
    """Enrolment at sign-in: required for the person's role outside the demo, not set up yet."""
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.login"))
    with platform().database.transaction() as s:
        user = s.get(User, pending.user_id)
        if totp.is_enrolled(s, user.id):
            return redirect(url_for("auth.second_factor", next=request.args.get("next")))
        if user.role not in totp.TOTP_ROLES:          # a role changed meanwhile: sign in again
            staff_sessions.revoke(s, session.token, "second_factor")
            enrolment = None
        else:
            enrolment = totp.pending_enrolment(s, user)
            codes = None
            if request.method == "POST":
                codes = totp.confirm_enrolment(s, user, request.form.get("code", ""))
                if codes is not None:
                    _signed_in(s, pending, "enrolled")
    if enrolment is None:
        session.end()
        return redirect(url_for("auth.login"))
    if request.method == "GET" or codes is None:
        error = WRONG_ENROLMENT_CODE if request.method == "POST" else None
        return render_template("account/login_enrol.html", enrolment=enrolment, qr=qr_data_uri(enrolment.uri),
                               error=error), 422 if error else 200
    _start(pending)
    return render_template("account/recovery_codes.html", codes=codes, enrolled=True,
                           continue_url=_safe_next(request.args.get("next"), pending.role),
                           continue_label="業務を始める")


@bp.post("/login/recovery")
def recovery():
    """A recovery code instead of the app's code (a lost or forgotten phone): spent by this sign-in."""
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.login"))
    with platform().database.transaction() as s:
        if not totp.is_enrolled(s, pending.user_id):
            return redirect(url_for("auth_second_factor.enrol", next=request.args.get("next")))
        result = totp.verify_login_recovery_code(s, pending.user_id, request.form.get("recovery_code", ""))
        left = recovery_codes.remaining(s, pending.user_id)
        if result is LoginCode.ACCEPTED:
            _signed_in(s, pending, "recovery_code")
        elif result is LoginCode.LOCKED:
            staff_sessions.revoke(s, session.token, "locked")
    if result is LoginCode.LOCKED:
        return _locked()
    if result is not LoginCode.ACCEPTED:
        message = MALFORMED_RECOVERY_CODE if result is LoginCode.MALFORMED else WRONG_RECOVERY_CODE
        return render_template("account/login_totp.html", recovery_error=message), 401
    _start(pending)
    advice = ("「2段階認証」の画面で新しい回復コードを発行してください。" if left <= FEW_CODES_LEFT
              else "スマートフォンを紛失した場合は、システム管理者に2段階認証の解除を依頼してください。")
    flash(f"回復コードでログインしました。使ったコードは今後使えません（残り{left}個）。{advice}",
          "error" if left <= FEW_CODES_LEFT else "info")
    return redirect(_safe_next(request.args.get("next"), pending.role))
