"""Call recordings for the staff (spec 12(3)④): search by day, operator, call id or contact record; playback in the
browser for those given the right (range requests, audited); download for admins (audited); admins set who may
play back."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from engine.errors import NotFound
from processes.calendar.slots import JST
from processes.callcentre.access import READERS as CONTACT_READERS
from processes.callcentre.models import ContactRecord
from processes.calls.recordings import (
    EXPORTERS,
    READERS,
    RIGHT_SETTERS,
    call_of_contact,
    load_recording,
    may_play,
    open_for_export,
    open_for_playback,
    read_transcript,
    search,
    set_playback_right,
    staff_for_rights,
)
from processes.tasks.access import Forbidden
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("calls_recordings", __name__, template_folder="templates")


def _day(name: str, errors: dict) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "日付を選んでください（例: 2026-12-01 の形）。"
        return None


@bp.get("/callcentre/recordings")
@roles_required(*READERS)
def index():
    who, errors = page_actor(), {}
    first, last = _day("from", errors), _day("to", errors)
    call_id = (request.args.get("call_id") or "").strip() or None
    contact = (request.args.get("contact") or "").strip()
    if contact and not contact.isdigit():
        errors["contact"] = "応対番号は数字で入力してください。"
    with platform().database.transaction(write=False) as session:
        if contact.isdigit():
            call_id = call_of_contact(session, int(contact)) or "（該当なし）"
        found = [] if errors else search(
            session, who, datetime.combine(first, time(), JST) if first else None,
            datetime.combine(last + timedelta(days=1), time(), JST) if last else None,
            (request.args.get("operator") or "").strip() or None, call_id)
        playable = may_play(session, who.username)
        staff = staff_for_rights(session) if who.role in RIGHT_SETTERS else []
    return render_template("calls/recordings.html", recordings=found, args=request.args, errors=errors,
                           playable=playable, may_export=who.role in EXPORTERS, staff=staff)


@bp.get("/callcentre/recordings/<int:recording_id>")
@roles_required(*READERS)
def show(recording_id: int):
    """One recording: when and who, the player, the transcript when asked for (with the playback right; every
    reading audited) and the contact records that name its call."""
    who, wanted = page_actor(), request.args.get("transcript") == "1"
    with platform().database.transaction() as session:
        recording = load_recording(session, who, recording_id)
        playable = may_play(session, who.username)
        transcript, transcript_note = None, None
        if recording.transcript_path is None:
            transcript_note = "この通話録音には文字起こしがありません。"
        elif wanted:
            try:
                transcript = read_transcript(session, who, recording_id)
            except (Forbidden, NotFound) as refused:
                transcript_note = refused.user_message
        contacts = [] if not recording.call_id or who.role not in CONTACT_READERS else list(session.scalars(
            select(ContactRecord.id).where(ContactRecord.call_id == recording.call_id,
                                           ContactRecord.deleted_at.is_(None)).order_by(ContactRecord.id)))
        session.expunge_all()
    return render_template("calls/recording.html", recording=recording, playable=playable, transcript=transcript,
                           transcript_note=transcript_note, contacts=contacts, may_export=who.role in EXPORTERS)


def _send(path: str, as_attachment: bool):
    response = send_file(path, mimetype="audio/wav", conditional=True, as_attachment=as_attachment,
                         download_name="recording.wav", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/callcentre/recordings/<int:recording_id>/audio")
@roles_required(*READERS)
def audio(recording_id: int):
    with platform().database.transaction() as session:
        path = open_for_playback(session, page_actor(), recording_id).file_path
    return _send(path, as_attachment=False)


@bp.get("/callcentre/recordings/<int:recording_id>/export")
@roles_required(*EXPORTERS)
def export(recording_id: int):
    with platform().database.transaction() as session:
        path = open_for_export(session, page_actor(), recording_id).file_path
    return _send(path, as_attachment=True)


@bp.post("/callcentre/recordings/rights")
@roles_required(*RIGHT_SETTERS)
def rights():
    username = (request.form.get("username") or "").strip()
    allowed = request.form.get("may_play") == "yes"
    with platform().database.transaction() as session:
        known = {name for name, _, _ in staff_for_rights(session)}
        if username not in known:
            abort(404)
        set_playback_right(session, page_actor(), username, allowed)
    flash("再生権限を設定しました。" if allowed else "再生権限を取り消しました。", "success")
    return redirect(url_for("calls_recordings.index"))
