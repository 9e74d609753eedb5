"""Call recordings (spec 12(3)④): the recorder's files indexed, searched, played back by those given the right,
exported by admins (both audited), and deleted with their metadata six months after the call (the purge logged).

The recorder's folder holds one audio file per call named `YYYYMMDD-HHMMSS_<call id>_<operator>.wav` (a transcript
beside it as `<same name>.txt` when the recorder makes one), or a CSV listing `recordings.csv` with the columns
`file, call_id, operator, started_at, duration_s, transcript` (paths relative to the listing).
"""
from __future__ import annotations

import calendar
import csv
import logging
import wave
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.db.models import User
from engine.db.types import utcnow
from engine.errors import NotFound
from engine.runtime import audit
from processes.administration.retention import retention_months
from processes.calendar.slots import JST
from processes.callcentre.models import ContactRecord
from processes.calls.models import CallRecording, RecordingPlaybackRight
from processes.tasks.access import MAX_ID, Actor, Forbidden

log = logging.getLogger(__name__)
LISTING = "recordings.csv"
RETENTION_KIND = "call_recordings"
READERS = frozenset({"supervisor", "admin", "auditor", "operator"})
"""Who may search the index (operators only their own calls); playing back needs the per-user right."""
EXPORTERS = frozenset({"admin"})
RIGHT_SETTERS = frozenset({"admin"})


@dataclass
class IndexResult:
    added: int = 0
    known: int = 0
    unreadable: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months earlier (the 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def recording_not_found() -> NotFound:
    return NotFound("recording outside the actor's scope", user_message="指定された通話録音は見つかりません。")


def _wav_seconds(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as audio:
            return int(audio.getnframes() / max(1, audio.getframerate()))
    except (wave.Error, EOFError, OSError):
        return 0


def _from_name(path: Path) -> dict | None:
    parts = path.stem.split("_", 2)
    if len(parts) != 3:
        return None
    try:
        started = datetime.strptime(parts[0], "%Y%m%d-%H%M%S").replace(tzinfo=JST)
    except ValueError:
        return None
    transcript = path.with_suffix(".txt")
    return {"file_path": str(path.resolve()), "call_id": parts[1], "operator": parts[2], "started_at": started,
            "duration_s": _wav_seconds(path), "transcript_path": str(transcript.resolve()) if transcript.exists() else None}


def _from_listing(listing: Path):
    with open(listing, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                started = datetime.fromisoformat(row["started_at"])
                file_path = (listing.parent / row["file"]).resolve()
                transcript = row.get("transcript") or ""
                yield {"file_path": str(file_path), "call_id": row.get("call_id") or None,
                       "operator": row.get("operator") or None,
                       "started_at": started if started.tzinfo else started.replace(tzinfo=JST),
                       "duration_s": int(row.get("duration_s") or 0) or _wav_seconds(file_path),
                       "transcript_path": str((listing.parent / transcript).resolve()) if transcript else None}
            except (KeyError, ValueError):
                yield None


def index_folder(session: Session, folder: Path) -> IndexResult:
    folder = Path(folder)
    listing = folder / LISTING
    found = _from_listing(listing) if listing.exists() else (_from_name(p) for p in sorted(folder.glob("*.wav")))
    result = IndexResult()
    known = set(session.scalars(select(CallRecording.file_path)))
    for values in found:
        if values is None:
            result.unreadable += 1
        elif values["file_path"] in known:
            result.known += 1
        else:
            session.add(CallRecording(**values))
            known.add(values["file_path"])
            result.added += 1
    return result


def may_play(session: Session, username: str) -> bool:
    right = session.get(RecordingPlaybackRight, username)
    return bool(right and right.may_play)


def set_playback_right(session: Session, actor: Actor, username: str, allowed: bool) -> None:
    if actor.role not in RIGHT_SETTERS:
        raise Forbidden("not an admin", user_message="再生権限を設定できるのはシステム管理者だけです。")
    right = session.get(RecordingPlaybackRight, username) or RecordingPlaybackRight(username=username)
    right.may_play, right.granted_by, right.updated_at = allowed, actor.username, utcnow()
    session.add(right)
    audit.record(session, actor.username, "recordings.playback_right_set", detail={"user": username, "allowed": allowed})


def playback_users(session: Session) -> set[str]:
    return set(session.scalars(select(RecordingPlaybackRight.username).where(RecordingPlaybackRight.may_play)))


def call_of_contact(session: Session, contact_id: int) -> str | None:
    """The exchange's call id a contact record (応対履歴) names, so that the record leads to its recording."""
    record = session.get(ContactRecord, contact_id) if 0 < contact_id <= MAX_ID else None
    return None if record is None or record.deleted_at is not None else record.call_id


def staff_for_rights(session: Session) -> list[tuple[str, str, bool]]:
    """(username, display name, may play back) of the staff who may search recordings."""
    allowed = playback_users(session)
    users = session.execute(select(User.username, User.display_name).where(User.role.in_(READERS))
                            .order_by(User.username)).all()
    return [(username, name or username, username in allowed) for username, name in users]


def search(session: Session, actor: Actor, start: datetime | None = None, end: datetime | None = None,
           operator: str | None = None, call_id: str | None = None, limit: int = 200) -> list[CallRecording]:
    if actor.role not in READERS:
        raise Forbidden("role may not search recordings")
    query = select(CallRecording).order_by(CallRecording.started_at.desc()).limit(limit)
    if actor.role == "operator":
        query = query.where(CallRecording.operator == actor.username)
    elif operator:
        query = query.where(CallRecording.operator == operator)
    if start is not None:
        query = query.where(CallRecording.started_at >= start)
    if end is not None:
        query = query.where(CallRecording.started_at < end)
    if call_id:
        query = query.where(CallRecording.call_id == call_id)
    return list(session.scalars(query))


def load_recording(session: Session, actor: Actor, recording_id: int) -> CallRecording:
    if actor.role not in READERS:
        raise Forbidden("role may not read recordings")
    recording = session.get(CallRecording, recording_id) if 0 < recording_id <= MAX_ID else None
    if recording is None or (actor.role == "operator" and recording.operator != actor.username) \
            or not Path(recording.file_path).is_file():
        raise recording_not_found()
    return recording


def open_for_playback(session: Session, actor: Actor, recording_id: int) -> CallRecording:
    recording = load_recording(session, actor, recording_id)
    if not may_play(session, actor.username):
        raise Forbidden("no playback right", user_message="通話録音を再生する権限がありません。"
                                                          "システム管理者に再生権限の設定を依頼してください。")
    audit.record(session, actor.username, "recording.played", detail={"recording_id": recording.id})
    return recording


def open_for_export(session: Session, actor: Actor, recording_id: int) -> CallRecording:
    if actor.role not in EXPORTERS:
        raise Forbidden("not an admin", user_message="通話録音を書き出せるのはシステム管理者だけです。")
    recording = load_recording(session, actor, recording_id)
    audit.record(session, actor.username, "recording.exported", detail={"recording_id": recording.id})
    return recording


TRANSCRIPT_LIMIT = 200_000
"""Characters of a transcript shown at most (a call's transcript is a few thousand)."""


def recordings_of_call(session: Session, actor: Actor, call_id: str | None) -> list[CallRecording]:
    """The recordings of the exchange's call `call_id` that the actor may find (none for roles that may not search
    recordings; an operator only their own), oldest first: a contact record links to them."""
    if not call_id or actor.role not in READERS:
        return []
    query = select(CallRecording).where(CallRecording.call_id == call_id).order_by(CallRecording.started_at)
    if actor.role == "operator":
        query = query.where(CallRecording.operator == actor.username)
    return list(session.scalars(query))


def read_transcript(session: Session, actor: Actor, recording_id: int) -> str:
    """The recorder's transcript of the call: personal data, so only for those with the playback right (spec
    12(3)④オ: search and playback rights per user), and every reading audited."""
    recording = load_recording(session, actor, recording_id)
    if not may_play(session, actor.username):
        raise Forbidden("no playback right", user_message="文字起こしを読む権限（通話録音の再生権限）がありません。"
                                                          "システム管理者に再生権限の設定を依頼してください。")
    path = Path(recording.transcript_path) if recording.transcript_path else None
    if path is None or not path.is_file():
        raise NotFound("no transcript", user_message="この通話録音には文字起こしがありません。")
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        text = handle.read(TRANSCRIPT_LIMIT)
    audit.record(session, actor.username, "recording.transcript_read", detail={"recording_id": recording.id})
    return text


def recording_view(recording: CallRecording) -> dict:
    return {"id": recording.id, "call_id": recording.call_id, "operator": recording.operator,
            "started_at": recording.started_at.astimezone(JST).isoformat(), "duration_s": recording.duration_s,
            "has_transcript": recording.transcript_path is not None}


def purge_expired(database, now: datetime | None = None) -> int:
    """Delete recordings (files, transcripts, metadata) of calls older than the administrator's retention period for
    call recordings (six months unless changed on /admin/retention); logged and audited."""
    now = now or utcnow()
    with database.transaction() as session:
        cutoff = months_before(now.astimezone(JST), retention_months(session, RETENTION_KIND))
        expired = session.execute(select(CallRecording.id, CallRecording.file_path, CallRecording.transcript_path)
                                  .where(CallRecording.started_at < cutoff)).all()
        for _, file_path, transcript_path in expired:
            for path in (file_path, transcript_path):
                if path:
                    Path(path).unlink(missing_ok=True)
        if expired:
            session.execute(delete(CallRecording).where(CallRecording.id.in_([row.id for row in expired])))
            audit.record(session, "worker", "recordings.purged",
                         detail={"count": len(expired), "before": cutoff.date().isoformat()})
            log.info("recordings: %s deleted (calls before %s)", len(expired), cutoff.date().isoformat())
    return len(expired)


PURGE_JOB_ID = "recordings-purge"


def add_purge_job(scheduler, database) -> None:
    """Nightly at 02:30 (Asia/Tokyo) in `okuyami worker`."""
    scheduler.add_job(purge_expired, "cron", hour=2, minute=30, args=[database], id=PURGE_JOB_ID,
                      max_instances=1, coalesce=True, misfire_grace_time=None)

