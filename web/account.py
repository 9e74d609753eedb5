"""The signed-in person's own account: change the password, the second factor (TOTP): enrol where it is optional
(the demo), see how many recovery codes are left, make new ones."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from engine.db.models import User
from processes.staff import passwords, recovery_codes, totp
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import roles_required
from web.signin.qr import qr_data_uri

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@roles_required()
def password():
    if request.method == "GET":
        return render_template("account/password.html", errors={})
    try:
        with platform().database.transaction() as s:
            passwords.change_own_password(s, current_user.user_id, request.form.get("current_password", ""),
                                          request.form.get("new_password", ""),
                                          request.form.get("new_password_confirmation", ""))
    except ValidationFailed as exc:
        return render_template("account/password.html", errors={e.field: e.message for e in exc.errors}), 422
    # Every session of the person ended with the old password, this one included.
    logout_user()
    session.end()
    flash("パスワードを変更しました。新しいパスワードでログインしてください。", "info")
    return redirect(url_for("auth.login"))


WRONG_CODE = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"


def _page(user: User, s, error: str | None = None, regenerate_error: str | None = None, status: int = 200):
    enrolment = totp.enrolment(s, user)
    qr = qr_data_uri(enrolment.uri) if enrolment and enrolment.confirmed_at is None else None
    left = recovery_codes.remaining(s, user.id) if enrolment and enrolment.confirmed_at else None
    return render_template("account/totp.html", enrolment=enrolment, qr=qr, error=error, codes_left=left,
                           regenerate_error=regenerate_error,
                           required=totp.is_required(user.role, platform().settings.demo)), status


@bp.get("/totp")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_page():
    with platform().database.transaction(write=False) as s:
        return _page(s.get(User, current_user.user_id), s)


@bp.post("/totp/start")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_start():
    with platform().database.transaction() as s:
        if not totp.is_enrolled(s, current_user.user_id):
            totp.start_enrolment(s, s.get(User, current_user.user_id))
    return redirect(url_for("account.totp_page"))


@bp.post("/totp/confirm")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_confirm():
    with platform().database.transaction() as s:
        user = s.get(User, current_user.user_id)
        codes = totp.confirm_enrolment(s, user, request.form.get("code", ""))
        if codes is None and totp.enrolment(s, user) is not None and not totp.is_enrolled(s, user.id):
            return _page(user, s, error=WRONG_CODE, status=422)
    if codes is None:
        return redirect(url_for("account.totp_page"))
    return render_template("account/recovery_codes.html", codes=codes, enrolled=True,
                           continue_url=url_for("account.totp_page"), continue_label="2段階認証の画面に戻る")


@bp.post("/totp/recovery-codes")
@roles_required(*sorted(totp.TOTP_ROLES))
def recovery_codes_new():
    """New recovery codes (the old ones stop working), for a person who types a current code of their app."""
    with platform().database.transaction() as s:
        user = s.get(User, current_user.user_id)
        if not totp.is_enrolled(s, user.id):
            return redirect(url_for("account.totp_page"))
        codes = totp.regenerate_recovery_codes(s, user, request.form.get("code", ""))
        if codes is None:
            return _page(user, s, regenerate_error=WRONG_CODE, status=422)
    return render_template("account/recovery_codes.html", codes=codes, enrolled=False,
                           continue_url=url_for("account.totp_page"), continue_label="2段階認証の画面に戻る")
