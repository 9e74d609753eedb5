"""The administrator's departments (ward and city hall) and retention periods."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from processes import departments as registry
from processes.administration import departments, retention
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("admin_settings", __name__, template_folder="templates")


@bp.route("/admin/departments", methods=["GET", "POST"])
@roles_required("admin")
def departments_page():
    errors, status, values = {}, 200, {"level": registry.CITY}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with platform().database.transaction() as session:
                departments.save_department(session, {**values, "code": values.get("existing") or values.get("code")},
                                            current_user.username)
            flash(f"担当課「{values['name'].strip()}」を保存しました。", "info")
            return redirect(url_for("admin_settings.departments_page"))
        except ValidationFailed as exc:
            errors, status = {e.field: e.message for e in exc.errors}, 422
    with platform().database.transaction(write=False) as session:
        rows = departments.department_rows(session)
    return render_template("admin/departments.html", rows=rows, values=values, errors=errors,
                           levels=registry.LEVELS), status


@bp.route("/admin/retention", methods=["GET", "POST"])
@roles_required("admin")
def retention_page():
    errors, status, values = {}, 200, None
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with platform().database.transaction() as session:
                changed = retention.save_retention(session, values, current_user.username)
            flash(f"保存期間を保存しました（変更 {len(changed)}件）。" if changed else "変更はありませんでした。", "info")
            return redirect(url_for("admin_settings.retention_page"))
        except ValidationFailed as exc:
            errors, status = {e.field: e.message for e in exc.errors}, 422
    with platform().database.transaction(write=False) as session:
        rows = retention.retention_rows(session)
    values = values or {row.kind: str(row.months) for row in rows}
    return render_template("admin/retention.html", rows=rows, values=values, errors=errors,
                           max_months=retention.MAX_MONTHS), status
