"""The case screen: summary, procedures and their states, the case's BPMN diagram with its steps highlighted,
the task history, the audit trail (supervisors); and rebooking or cancelling a booking from it."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from engine.errors import TaskConflict
from processes.callcentre.access import READERS as CONTACT_READERS
from processes.callcentre.search import read_filters, search_contacts
from processes.callcentre.vocabulary import CHANNELS, OUTCOMES
from processes.departments import DEPARTMENTS
from processes.okuyami.booking_changes import booking_state, booking_state_of, cancel_case, move_case
from processes.okuyami.case_diagram import diagram_xml, step_states
from processes.okuyami.case_history import audit_trail, task_history
from processes.okuyami.case_view import case_view, readable_case
from processes.okuyami.handovers import department_handovers
from processes.okuyami.visit import minutes_between
from processes.okuyami.visit_records import visit_times
from processes.tasks.access import CASE_READERS
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required
from web.people import remember_names
from web.staff.booking import slot_context
from web.staff.case_formatting import register as register_filters

bp = Blueprint("cases", __name__, url_prefix="/cases", template_folder="templates")
register_filters(bp)
READERS = tuple(sorted(CASE_READERS))
CHANGERS = ("operator", "supervisor")
STATUS_LABELS = {"selected": "抽出", "confirmed": "確認済", "dropped": "不要（事前確認）"}


@bp.get("/<int:case_id>")
@roles_required(*READERS)
def show(case_id: int):
    who = page_actor()
    p = platform()
    with p.database.transaction() as session:
        readable = readable_case(session, p.runtime, who, case_id)   # the case read (and scope-checked) once
        case = case_view(session, who, *readable)   # audit-logs the personal data read
        history = task_history(session, who, case_id)
        trail = audit_trail(session, who, case_id)
        booking = booking_state_of(*readable)
        handovers = [h for h in department_handovers(session, p.runtime, case_id)
                     if who.role != "dept_staff" or h.department == who.department]
        times = visit_times(session, case_id)
        contacts = (search_contacts(session, read_filters({"case_id": str(case_id), "per_page": "50"})).items
                    if who.role in CONTACT_READERS else None)
        remember_names(session)   # the history's and contacts' people, without a transaction of their own
    return render_template("cases/show.html", contacts=contacts, channels=CHANNELS, outcomes=OUTCOMES, case=case, history=history, trail=trail, booking=booking,
                           can_change=who.role in CHANGERS, wards=load_wards(), status_labels=STATUS_LABELS,
                           departments=DEPARTMENTS, handovers=handovers, checked_in=times[0], checked_out=times[1],
                           visit_minutes=minutes_between(*times))


@bp.get("/<int:case_id>/diagram.json")
@roles_required(*READERS)
def diagram(case_id: int):
    """The BPMN XML of the case's own model version and the state of each step, for the diagram viewer."""
    who = page_actor()
    p = platform()
    with p.database.transaction(write=False) as session:
        booking_state(session, p.runtime, who, case_id)   # scope check: another ward's case is 404
        xml = diagram_xml(session, case_id)
        states = step_states(session, case_id, xml, who.department if who.role == "dept_staff" else None)
    return jsonify({"case_id": case_id, "xml": xml, "states": states})


def _move_page(case_id: int, booking, errors: dict, status: int = 200):
    context = slot_context(booking.ward, request.values.get("week"), request.values.get("slot_start"))
    return render_template("cases/move.html", case_id=case_id, booking=booking, errors=errors, wards=load_wards(),
                           fixed_ward=True, **context), status


@bp.route("/<int:case_id>/move", methods=["GET", "POST"])
@roles_required(*CHANGERS)
def move(case_id: int):
    who = page_actor()
    p = platform()
    if request.method == "GET":
        with p.database.transaction(write=False) as session:
            booking = booking_state(session, p.runtime, who, case_id)
        return _move_page(case_id, booking, {})
    try:
        with p.database.transaction() as session:
            move_case(session, p.runtime, who, case_id, request.form.get("slot_start") or None)
    except TaskConflict as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except ValidationFailed as exc:
        with p.database.transaction(write=False) as session:
            booking = booking_state(session, p.runtime, who, case_id)
        if exc.status == 409:
            flash(exc.user_message, "error")
        return _move_page(case_id, booking, {e.field: e.message for e in exc.errors}, exc.status)
    flash("予約日時を変更しました。事前確認の期限も新しい日時に合わせて変わりました。", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<int:case_id>/cancel", methods=["GET", "POST"])
@roles_required(*CHANGERS)
def cancel(case_id: int):
    who = page_actor()
    p = platform()
    if request.method == "GET":
        with p.database.transaction(write=False) as session:
            booking = booking_state(session, p.runtime, who, case_id)
        return render_template("cases/cancel.html", case_id=case_id, booking=booking, errors={}, reason="")
    reason = request.form.get("reason", "")
    try:
        with p.database.transaction() as session:
            cancel_case(session, p.runtime, who, case_id, reason)
    except TaskConflict as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except ValidationFailed as exc:
        with p.database.transaction(write=False) as session:
            booking = booking_state(session, p.runtime, who, case_id)
        return render_template("cases/cancel.html", case_id=case_id, booking=booking, reason=reason,
                               errors={e.field: e.message for e in exc.errors}), exc.status
    flash("予約を取り消しました。関係課の事前確認も取り消されました。", "success")
    return redirect(url_for("cases.show", case_id=case_id))
