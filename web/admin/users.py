"""The administrator's user screens: the list, a new account, and one account's role, scope and actions
(deactivate, unlock, reset the password or second factor, issue or revoke the API token)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from processes.administration import users
from processes.departments import DEPARTMENTS
from processes.roles import ROLES, SCOPED_ROLES
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("admin_users", __name__, template_folder="templates")
DONE = {"deactivate": "アカウントを無効にしました。ログイン中の画面も終了しました。",
        "activate": "アカウントを有効にしました。", "unlock": "ロックを解除しました。",
        "reset_password": "パスワードを再設定しました。本人に新しいパスワードを伝えてください。",
        "reset_totp": "2段階認証を解除しました（回復コードも無効になりました）。次回のログインで改めて設定します。",
        "revoke_token": "APIトークンを失効させました。"}


def _choices() -> dict:
    return {"roles": ROLES, "wards": {code: w.name for code, w in load_wards().items()},
            "departments": DEPARTMENTS, "scoped_roles": SCOPED_ROLES}


@bp.route("/admin")
@roles_required("admin")
def home():
    return redirect(url_for("admin_users.index"))


@bp.route("/admin/users")
@roles_required("admin")
def index():
    with platform().database.transaction(write=False) as session:
        accounts = users.list_accounts(session)
    return render_template("admin/users.html", accounts=accounts, **_choices())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    values, errors, status = {"role": "operator"}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with platform().database.transaction() as session:
                created = users.create_account(session, values, current_user.username)
                user_id = created.id
            flash(f"ユーザー「{values['display_name'].strip()}」を作成しました。", "info")
            return redirect(url_for("admin_users.show", user_id=user_id))
        except ValidationFailed as exc:
            errors, status = {e.field: e.message for e in exc.errors}, 422
    values.pop("password", None)
    return render_template("admin/user_new.html", values=values, errors=errors, **_choices()), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def show(user_id: int):
    errors, status, values = {}, 200, None
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with platform().database.transaction() as session:
                users.update_account(session, user_id, values, current_user.username)
            flash("役割・担当を保存しました。", "info")
            return redirect(url_for("admin_users.show", user_id=user_id))
        except ValidationFailed as exc:
            errors, status = {e.field: e.message for e in exc.errors}, 422
    return _render(user_id, errors, status, values)


def _render(user_id: int, errors: dict, status: int, values: dict | None = None, token: str | None = None):
    with platform().database.transaction(write=False) as session:
        account = users.get_account(session, user_id)
    values = values or {"display_name": account.display_name, "role": account.role, "ward": account.ward or "",
                        "department": account.department or ""}
    return render_template("admin/user.html", account=account, values=values, errors=errors, token=token,
                           myself=account.username == current_user.username, **_choices()), status


@bp.route("/admin/users/<int:user_id>/action", methods=["POST"])
@roles_required("admin")
def action(user_id: int):
    chosen = request.form.get("action", "")
    try:
        with platform().database.transaction() as session:
            token = users.apply_action(session, user_id, chosen, current_user.username,
                                       new_password=request.form.get("new_password", ""))
    except ValidationFailed as exc:
        return _render(user_id, {e.field: e.message for e in exc.errors}, 422)
    if token is not None:
        return _render(user_id, {}, 200, token=token)
    flash(DONE[chosen], "info")
    return redirect(url_for("admin_users.show", user_id=user_id))
