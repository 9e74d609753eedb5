"""The signed-in person's own account: change the password, enrol the TOTP second factor."""
from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from engine.db.models import User
from processes.staff import passwords, totp
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import roles_required

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


def _qr_data_uri(uri: str) -> str:
    """An SVG image as a data: URI (img-src allows data:), so no script draws it."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


@bp.get("/totp")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_page():
    with platform().database.transaction(write=False) as s:
        enrolment = totp.enrolment(s, s.get(User, current_user.user_id))
    qr = _qr_data_uri(enrolment.uri) if enrolment and enrolment.confirmed_at is None else None
    return render_template("account/totp.html", enrolment=enrolment, qr=qr, error=None)


@bp.post("/totp/start")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_start():
    with platform().database.transaction() as s:
        totp.start_enrolment(s, s.get(User, current_user.user_id))
    return redirect(url_for("account.totp_page"))


@bp.post("/totp/confirm")
@roles_required(*sorted(totp.TOTP_ROLES))
def totp_confirm():
    with platform().database.transaction() as s:
        user = s.get(User, current_user.user_id)
        confirmed = totp.confirm_enrolment(s, user, request.form.get("code", ""))
        enrolment = totp.enrolment(s, user)
    if confirmed:
        flash("2段階認証を設定しました。次回のログインから確認コードの入力が必要になります。", "info")
        return redirect(url_for("account.totp_page"))
    if enrolment is None:
        return redirect(url_for("account.totp_page"))
    return render_template("account/totp.html", enrolment=enrolment, qr=_qr_data_uri(enrolment.uri),
                           error="確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"), 422
