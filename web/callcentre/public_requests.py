"""The supervisor's list of what families sent on the public side but the staff side could not take (a booking
request or inquiry that failed validation, or that could not be decrypted): why, what arrived (each view audited),
and 対応済み once the supervisor has dealt with it (issue #17: a request the public side took is never lost)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from processes.public import kept
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("public_requests", __name__, template_folder="templates")


@bp.get("/callcentre/public-requests")
@roles_required(*kept.READERS)
def index():
    with platform().database.transaction(write=False) as session:
        rows = kept.kept(session, page_actor())
        session.expunge_all()
    return render_template("callcentre/public_requests.html", rows=rows, kinds=kept.KINDS)


@bp.get("/callcentre/public-requests/<int:request_id>")
@roles_required(*kept.READERS)
def show(request_id: int):
    with platform().database.transaction() as session:
        row, payload = kept.content(session, page_actor(), request_id)
        session.expunge(row)
    return render_template("callcentre/public_request.html", row=row, payload=payload, kinds=kept.KINDS)


@bp.post("/callcentre/public-requests/<int:request_id>/settle")
@roles_required(*kept.READERS)
def settle(request_id: int):
    note = request.form.get("note", "")
    if not note.strip():
        flash("どのように対応したかを記入してください（例: ご家族に電話して予約を受け付けた）。", "error")
        return redirect(url_for(".show", request_id=request_id))
    with platform().database.transaction() as session:
        row = kept.settle(session, page_actor(), request_id, note)
        number = row.number
    flash(f"申込番号 {number} を対応済みにしました。", "success")
    return redirect(url_for(".index"))
