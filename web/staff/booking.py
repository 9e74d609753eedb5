"""The operator's booking screen: a ward's free slots week by week, the reservation data, the interview with its
live procedure list, a confirmation to read back to the caller, and the booking itself (one transaction). Opened
from the worklist's 予約受付・問診 task, the same screen completes that task instead of starting a new case."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for

from engine.errors import NotFound, TaskConflict
from engine.registry.live import DecisionNotDeployed
from processes.calendar import BusinessCalendar, CalendarError
from processes.callcentre.contacts import correct_contact
from processes.okuyami.booking import booked_counter, create_case, validate_reservation
from processes.okuyami.booking_form import form_fields, open_booking_task, prefilled, reservation_from_form
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.clerk_entry import normalise_reservation
from processes.okuyami.interview import InvalidAnswers
from processes.okuyami.interview_questions import question_groups, unasked_questions
from processes.okuyami.navi import evaluate_answers
from processes.tasks.access import Forbidden, check_create, check_task, not_found, require_id
from processes.tasks.completion import complete
from processes.tasks.validation import ValidationFailed
from processes.wards import load_wards
from web.extensions import platform
from web.formatting import wareki
from web.guards import page_actor, roles_required
from web.staff.answers_code_entry import FIELD as ANSWERS_CODE
from web.staff.answers_code_entry import fill_interview_from_code
from web.staff.case_formatting import fromisodate
from web.staff.case_formatting import register as register_filters

bp = Blueprint("booking", __name__, url_prefix="/bookings", template_folder="templates")
BOOKERS = ("operator", "supervisor")
WEEKDAYS = "月火水木金土日"
CONTACT_CHOICES = (("phone", "電話"), ("email", "メール"), ("letter", "手紙"))
register_filters(bp)


@bp.app_template_filter("seireki")
def seireki(value) -> str:
    """A date in the Western calendar as people read it (1941年4月12日), shown beside its 和暦."""
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else ""


@bp.app_template_filter("as_entered")
def as_entered(value) -> str:
    """A date field's value back in the box: a stored date in 和暦 (the form reads it again), anything else as typed."""
    day = fromisodate(value)
    return wareki(day) if day else (value or "")


def _week_start(value: str | None, ward: str) -> date:
    calendar = BusinessCalendar.default()
    try:
        day = date.fromisoformat(value) if value else calendar.earliest_bookable_day(ward=ward)
    except ValueError:
        day = calendar.earliest_bookable_day(ward=ward)
    return day - timedelta(days=day.weekday())


def _week(ward: str, week: date) -> list[dict]:
    """Monday to Friday of the week: each day's slots, or why there are none."""
    calendar = BusinessCalendar.default()
    p = platform()
    with p.database.transaction(write=False) as session:
        slots = calendar.slots(ward, week, week + timedelta(days=4), booked=booked_counter(session, p.runtime, ward))
    earliest = calendar.earliest_bookable_day(ward=ward)
    days = []
    for offset in range(5):
        day = week + timedelta(days=offset)
        found = [s for s in slots if s.start.date() == day]
        why = None if found else (calendar.closure_reason(day, ward) or ("予約受付期間外" if day < earliest else "枠なし"))
        days.append({"day": day, "weekday": WEEKDAYS[day.weekday()], "slots": found, "closed": why})
    return days


def slot_context(ward: str, week_value: str | None, selected: str | None) -> dict:
    week = _week_start(week_value, ward)
    return {"ward": ward, "week": week, "days": _week(ward, week), "selected": selected,
            "previous_week": week - timedelta(days=7), "next_week": week + timedelta(days=7)}


def _procedures(data: dict) -> tuple[list[dict], list[str]]:
    """The live procedure list for the answers so far (the reservation's dates give the age band; a date that
    cannot be read yet is left out here and named beside its field on confirmation)."""
    readable, unreadable = normalise_reservation(data)
    unread = {e.field for e in unreadable}
    answers = dict(data.get("answers") or {})
    for key, field, source in (("deceased_birth_date", "deceased.birth_date",
                                (readable.get("deceased") or {}).get("birth_date")),
                               ("date_of_death", "date_of_death", readable.get("date_of_death"))):
        if source and field not in unread:
            answers.setdefault(key, source)
    try:
        with platform().database.transaction(write=False) as session:
            return evaluate_answers(session, answers), []
    except InvalidAnswers as exc:
        return [], [e.message for e in exc.errors]
    except DecisionNotDeployed as exc:
        return [], [exc.user_message]


def _groups():
    return question_groups({p.id: p.name for p in load_catalogue() if p.id.startswith("KS")})


def _render_form(data: dict, errors: dict[str, str], status: int = 200, task=None):
    wards = load_wards()
    ward = data.get("ward") if data.get("ward") in wards else next(iter(wards))
    procedures, answer_errors = _procedures(data)
    return render_template("booking/new.html", data=data, errors=errors, wards=wards, task=task, contact=_contact_id(),
                           groups=_groups(), procedures=procedures, answer_errors=answer_errors,
                           contact_choices=CONTACT_CHOICES,
                           **slot_context(ward, request.values.get("week"), data.get("slot_start"))), status


def _contact_id() -> int | None:
    """The contact record (応対履歴) the booking is made from, when the call screen sent the operator here."""
    raw = request.values.get("contact", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 11 else None


def _link_contact(who, contact_id: int | None, case_id: int) -> None:
    """The contact and the case point at each other; the booking stands even if the link is refused."""
    if contact_id is None:
        return
    try:
        with platform().database.transaction() as session:
            correct_contact(session, who, contact_id, {"case_id": case_id})
    except (ValidationFailed, Forbidden, NotFound):
        flash(f"応対番号 {contact_id} と案件の関連付けはできませんでした（応対履歴の画面から関連付けてください）。", "warning")
        return
    flash(f"応対番号 {contact_id} と関連付けました。", "success")


def _submitted() -> dict:
    return reservation_from_form(request.form, request.form.getlist)


def _booking_task(session, case_id: int):
    """The case's open booking task, if this person may work on it; else the case is not found for them."""
    task = open_booking_task(session, require_id(case_id))
    if task is None:
        raise not_found()
    check_task(page_actor(), task)
    return task


def _posted_task(session):
    """The booking task the screen was opened for (a hidden field), or None for a new booking."""
    case_id = request.form.get("case_id", "")
    return _booking_task(session, int(case_id)) if case_id.isdigit() else None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*BOOKERS)
def new():
    """GET: an empty booking. POST: back from the confirmation page to correct what the caller said."""
    if request.method == "GET":
        return _render_form({"answers": {}}, {})
    with platform().database.transaction(write=False) as session:
        task = _posted_task(session)
    data = _submitted()
    errors = fill_interview_from_code(data, request.form.get(ANSWERS_CODE, ""))
    return _render_form(data, errors, 400 if errors else 200, task=task)


@bp.get("/cases/<int:case_id>")
@roles_required(*BOOKERS)
def for_task(case_id: int):
    """The worklist's 予約受付・問診 task: the booking screen, with what the case already holds filled in."""
    p = platform()
    with p.database.transaction(write=False) as session:
        task = _booking_task(session, case_id)
        known = p.runtime.task_data(task.id, session=session)
        data = prefilled({"ward": task.ward, **known} if task.ward else known)
    return _render_form(data, {}, task=task)


@bp.get("/slots")
@roles_required(*BOOKERS)
def slots():
    """The slot calendar of one ward and week (an htmx fragment)."""
    ward = request.args.get("ward")
    if ward not in load_wards():
        ward = next(iter(load_wards()))
    try:
        context = slot_context(ward, request.args.get("week"), request.args.get("slot_start"))
    except CalendarError as exc:
        return render_template("booking/_message.html", message=exc.user_message), 400
    return render_template("booking/_slots.html", wards=load_wards(), **context)


@bp.post("/procedures")
@roles_required(*BOOKERS)
def procedures():
    """The live procedure list, re-evaluated whenever an answer changes (an htmx fragment)."""
    found, answer_errors = _procedures(_submitted())
    return render_template("booking/_procedures.html", procedures=found, answer_errors=answer_errors)


@bp.post("/confirm")
@roles_required(*BOOKERS)
def confirm():
    """Everything checked (the slot too), nothing written: the page the operator reads back to the caller."""
    who = page_actor()
    check_create(who, "booking", None)
    data = _submitted()
    p = platform()
    with p.database.transaction(write=False) as session:
        task = _posted_task(session)
        try:
            values = validate_reservation(p.settings.forms_dir, "booking", data, session, p.runtime)
        except ValidationFailed as exc:
            return _render_form(data, {e.field: e.message for e in exc.errors}, exc.status, task=task)
    procedures, _ = _procedures(values)
    shown = {**values, "answers": data["answers"]}
    return render_template("booking/confirm.html", data=shown, fields=form_fields(shown), wards=load_wards(),
                           contact=_contact_id(),
                           procedures=procedures, task=task, contact_choices=dict(CONTACT_CHOICES),
                           unasked=unasked_questions(_groups(), data["answers"]))


@bp.post("")
@roles_required(*BOOKERS)
def create():
    """Book: the case starts and its booking task completes in one transaction. A slot taken meanwhile by
    another operator is said at once, next to the slot calendar, with everything else kept."""
    who = page_actor()
    check_create(who, "booking", None)
    data = _submitted()
    p = platform()
    task = None
    try:
        with p.database.transaction() as session:
            task = _posted_task(session)
            if task is None:
                case_id = create_case(session, p.runtime, p.settings.forms_dir, "booking", who.username, data).id
            else:
                values = validate_reservation(p.settings.forms_dir, "booking", data, session, p.runtime)
                complete(session, p.runtime, p.settings.forms_dir, who, task, values)
                case_id = task.instance_id
    except ValidationFailed as exc:
        if exc.status == 409:
            flash(exc.user_message, "error")
            data.pop("slot_start", None)
        return _render_form(data, {e.field: e.message for e in exc.errors}, exc.status, task=task)
    except TaskConflict as exc:
        flash(exc.user_message, "error")
        return redirect(url_for("tasks.worklist"))
    flash(f"予約を確定しました（案件番号 {case_id}）。", "success")
    _link_contact(who, _contact_id(), case_id)
    return redirect(url_for("cases.show", case_id=case_id))
