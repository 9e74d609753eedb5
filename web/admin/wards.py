"""The administrator's ward screens: each ward's office, corner location and floor, visit slots and capacity, and
its one-off closures."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from processes.administration import wards
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("admin_wards", __name__, template_folder="templates")


@bp.route("/admin/wards")
@roles_required("admin")
def index():
    with platform().database.transaction(write=False) as session:
        corners = wards.corners(session)
    return render_template("admin/wards.html", corners=corners)


@bp.route("/admin/wards/<ward_code>", methods=["GET", "POST"])
@roles_required("admin")
def edit(ward_code: str):
    errors, status, values = {}, 200, None
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            with platform().database.transaction() as session:
                wards.save_corner(session, ward_code, values, current_user.username)
            flash("保存しました。予約枠・業務カレンダー・申請書類にこの内容が使われます。", "info")
            return redirect(url_for("admin_wards.edit", ward_code=ward_code))
        except ValidationFailed as exc:
            errors, status = _messages(exc), 422
    return _render(ward_code, errors, status, values)


def _messages(exc: ValidationFailed) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in exc.errors:
        found.setdefault(error.field, []).append(error.message)
    return found


def _render(ward_code: str, errors: dict, status: int, values: dict | None = None, closure: dict | None = None):
    with platform().database.transaction(write=False) as session:
        corner = wards.corner(session, ward_code)
    ward = corner.ward
    values = values or {"office": ward.office, "address": ward.address, "corner_location": ward.corner_location,
                        "corner_floor": ward.corner_floor, "capacity": str(corner.capacity),
                        "slot_times": ", ".join(f"{t.hour}:{t.minute:02d}" for t in corner.slot_times)}
    return render_template("admin/ward.html", corner=corner, values=values, errors=errors,
                           closure=closure or {}), status


@bp.route("/admin/wards/<ward_code>/closures", methods=["POST"])
@roles_required("admin")
def add_closure(ward_code: str):
    try:
        with platform().database.transaction() as session:
            wards.add_closure(session, ward_code, request.form.to_dict(), current_user.username)
    except ValidationFailed as exc:
        return _render(ward_code, _messages(exc), 422, closure=request.form.to_dict())
    flash("臨時休業日を登録しました。この期間は予約枠が表示されません。", "info")
    return redirect(url_for("admin_wards.edit", ward_code=ward_code))


@bp.route("/admin/wards/<ward_code>/closures/<int:closure_id>/delete", methods=["POST"])
@roles_required("admin")
def remove_closure(ward_code: str, closure_id: int):
    with platform().database.transaction() as session:
        wards.remove_closure(session, ward_code, closure_id, current_user.username)
    flash("臨時休業日を削除しました。", "info")
    return redirect(url_for("admin_wards.edit", ward_code=ward_code))
