"""The counter's visit screen: check-in on the visit's day, one outcome per procedure, notes, a follow-up call if
needed, a confirmation of what will be saved, and check-out completing the visit task (one transaction); and the
family's printable guidance sheet."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import TaskConflict
from processes.calendar import now_jst
from processes.okuyami.case_view import read_case, read_guidance
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.handovers import department_handovers
from processes.okuyami.visit import check_in as record_check_in
from processes.okuyami.visit import complete_visit, minutes_between, outcome_labels, visit_state, visit_to_save
from processes.public.survey import for_guidance
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required
from web.staff.case_formatting import fromiso
from web.staff.case_formatting import register as register_filters

bp = Blueprint("visit", __name__, url_prefix="/cases", template_folder="templates")
register_filters(bp)
GUIDANCE_READERS = ("counter", "operator", "supervisor")


def _page(case_id: int, form: dict, errors: dict, status: int = 200):
    who = page_actor()
    p = platform()
    with p.database.transaction() as session:
        state = visit_state(session, p.runtime, who, case_id)
        case = read_case(session, p.runtime, who, case_id)   # audit-logs the personal data read
        handovers = department_handovers(session, p.runtime, case_id)
    procedures = [proc for proc in case["procedures"] if proc["status"] != "dropped"]
    return render_template("visit/show.html", case=case, state=state, procedures=procedures, form=form,
                           errors=errors, labels=outcome_labels(p.settings.forms_dir), wards=load_wards(),
                           usual={proc.id: proc.handling for proc in load_catalogue()}, handovers=handovers,
                           elapsed=minutes_between(state.checked_in_at, now_jst())), status


def _confirmation(case_id: int, form: dict, data: dict):
    p = platform()
    with p.database.transaction() as session:
        case = read_case(session, p.runtime, page_actor(), case_id)   # audit-logs the personal data read
    names = {proc["id"]: proc["name"] for proc in case["procedures"]}
    checked_in = fromiso(data["checked_in_at"])
    checked_out = fromiso(data["checked_out_at"])
    return render_template("visit/confirm.html", case=case, data=data, form=form, names=names,
                           labels=outcome_labels(p.settings.forms_dir), checked_in=checked_in,
                           checked_out=checked_out, minutes=minutes_between(checked_in, checked_out))


@bp.get("/<int:case_id>/visit")
@roles_required("counter")
def show(case_id: int):
    return _page(case_id, {}, {})


@bp.post("/<int:case_id>/visit/check-in")
@roles_required("counter")
def check_in(case_id: int):
    who = page_actor()
    p = platform()
    try:
        with p.database.transaction() as session:
            moment = record_check_in(session, p.runtime, who, case_id)
    except TaskConflict as exc:
        flash(exc.user_message, "error")
    else:
        flash(f"{moment.hour}:{moment.minute:02d} に受付（チェックイン）しました。", "success")
    return redirect(url_for("visit.show", case_id=case_id))


@bp.post("/<int:case_id>/visit")
@roles_required("counter")
def complete(case_id: int):
    """Check out in two steps: the screen's outcomes first come back as a confirmation of what will be saved; the
    confirmed form completes the visit task in one transaction."""
    who = page_actor()
    p = platform()
    form = request.form.to_dict()
    confirmed = form.pop("confirmed", "") == "yes"
    form.pop("csrf_token", None)
    try:
        with p.database.transaction() as session:
            if not confirmed:
                data = visit_to_save(session, p.runtime, p.settings.forms_dir, who, case_id, form)
            else:
                complete_visit(session, p.runtime, p.settings.forms_dir, who, case_id, form)
    except TaskConflict as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("visit.show", case_id=case_id))
    except ValidationFailed as exc:
        return _page(case_id, form, {e.field: e.message for e in exc.errors}, exc.status)
    if not confirmed:
        return _confirmation(case_id, form, data)
    flash("来庁対応を完了しました。", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.post("/<int:case_id>/visit/revise")
@roles_required("counter")
def revise(case_id: int):
    """Back from the confirmation to the visit screen, with what was entered."""
    form = request.form.to_dict()
    form.pop("csrf_token", None)
    return _page(case_id, form, {})


@bp.get("/<int:case_id>/guidance")
@roles_required(*GUIDANCE_READERS)
def guidance(case_id: int):
    """The printable guidance sheet for the family (A4, print CSS)."""
    who = page_actor()
    p = platform()
    with p.database.transaction() as session:
        sheet = read_guidance(session, p.runtime, who, case_id)
        handovers = department_handovers(session, p.runtime, case_id)
        survey = for_guidance(session, case_id, p.settings.public_url)
    return render_template("visit/guidance.html", sheet=sheet, handovers=handovers, survey=survey)
