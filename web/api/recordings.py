"""Call recordings through the JSON API: search, playback (the per-user right; HTTP range requests) and export
(admins); every playback and export is audited."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from flask import Blueprint, jsonify, request, send_file

from processes.calendar.slots import JST
from processes.calls.access import read_day
from processes.calls.recordings import (
    open_for_export,
    open_for_playback,
    recording_view,
    search,
)
from processes.tasks.validation import ValidationFailed
from web.api.support import actor, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_recordings", __name__, url_prefix="/api/v1")
register_errors(bp)


def _optional_day(name: str, errors: list):
    return read_day(request.args, name, errors) if request.args.get(name) else None


@bp.get("/recordings")
@token_required
def index():
    who, errors = actor(), []
    first, last = _optional_day("from", errors), _optional_day("to", errors)
    if errors:
        raise ValidationFailed(errors, user_message="検索条件に誤りがあります。")
    start = datetime.combine(first, time(), JST) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), JST) if last else None
    with platform().database.transaction(write=False) as session:
        found = search(session, who, start, end, request.args.get("operator") or None,
                       request.args.get("call_id") or None)
        return jsonify({"items": [recording_view(r) for r in found]})


def _audio(path: str, as_attachment: bool):
    return send_file(path, mimetype="audio/wav", conditional=True, as_attachment=as_attachment,
                     download_name=Path(path).name, max_age=0)


@bp.get("/recordings/<int:recording_id>/audio")
@token_required
def audio(recording_id: int):
    with platform().database.transaction() as session:
        path = open_for_playback(session, actor(), recording_id).file_path
    response = _audio(path, as_attachment=False)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/recordings/<int:recording_id>/export")
@token_required
def export(recording_id: int):
    with platform().database.transaction() as session:
        path = open_for_export(session, actor(), recording_id).file_path
    response = _audio(path, as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response
