"""Call recordings: indexed from the recorder's folder, searched (an operator sees their own calls), played back
only with the per-user right (range requests; audited), exported only by admins (audited), and deleted with their
transcripts six months after the call by the worker's purge (clock moved forward), a job `okuyami worker` schedules
nightly. A contact record links its call's recording; the transcript is read only with the playback right."""
from __future__ import annotations

import wave
from datetime import datetime

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from engine.db.models import AuditEntry
from processes.administration.retention import save_retention
from processes.calendar.slots import JST
from processes.calls.models import CallRecording
from processes.calls.recordings import PURGE_JOB_ID, index_folder, purge_expired, set_playback_right
from processes.tasks.access import Actor
from tests.callcentre_support import contact
from tests.page_support import text_of
from web.cli import main

ADMIN = Actor("admin", "admin", None, None)


@pytest.fixture
def okuyami(instance_dir):
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False)


def _wav(path, seconds: int = 2) -> None:
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x00\x01" * 8000 * seconds)


def _recorder(folder):
    folder.mkdir()
    _wav(folder / "20261201-090005_c1_op.wav", 3)
    (folder / "20261201-090005_c1_op.txt").write_text("お電話ありがとうございます。", encoding="utf-8")
    _wav(folder / "20261201-090110_c2_op2.wav")
    (folder / "not-a-recording.wav").write_bytes(b"")
    return folder


def _indexed(database, tmp_path):
    folder = _recorder(tmp_path / "recorder")
    with database.transaction() as session:
        result = index_folder(session, folder)
    return folder, result


def _actions(database) -> list[str]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_the_folder_is_indexed_once(api, database, tmp_path):
    folder, first = _indexed(database, tmp_path)
    with database.transaction() as session:
        again = index_folder(session, folder)

    assert (first.added, first.unreadable, again.added, again.known) == (2, 1, 0, 2)
    items = api.get("/recordings?from=2026-12-01&to=2026-12-01", "sv").get_json()["items"]
    assert [(i["call_id"], i["operator"], i["duration_s"], i["has_transcript"]) for i in items] == [
        ("c2", "op2", 2, False), ("c1", "op", 3, True)]
    assert [i["call_id"] for i in api.get("/recordings?call_id=c1", "auditor").get_json()["items"]] == ["c1"]
    assert [i["call_id"] for i in api.get("/recordings?operator=op2", "sv").get_json()["items"]] == ["c2"]


def test_an_operator_finds_only_their_own_calls(api, database, tmp_path):
    _indexed(database, tmp_path)

    assert [i["call_id"] for i in api.get("/recordings", "op").get_json()["items"]] == ["c1"]
    assert api.get("/recordings", "counter_naka").status_code == 403


def test_playback_needs_the_right_and_is_audited(api, database, tmp_path):
    _indexed(database, tmp_path)
    recording_id = api.get("/recordings?call_id=c1", "sv").get_json()["items"][0]["id"]

    refused = api.get(f"/recordings/{recording_id}/audio", "sv")
    with database.transaction() as session:
        set_playback_right(session, ADMIN, "sv", True)
    played = api.get(f"/recordings/{recording_id}/audio", "sv")
    part = api.client.get(f"/api/v1/recordings/{recording_id}/audio",
                          headers={"Authorization": f"Bearer {api.tokens['sv']}", "Range": "bytes=0-99"})

    assert refused.status_code == 403 and "再生する権限" in refused.get_json()["error"]["message"]
    assert played.status_code == 200 and played.data[:4] == b"RIFF" and played.mimetype == "audio/wav"
    assert part.status_code == 206 and len(part.data) == 100
    assert _actions(database).count("recording.played") == 2


def test_only_admins_export_and_it_is_audited(api, database, tmp_path):
    _indexed(database, tmp_path)
    recording_id = api.get("/recordings?call_id=c1", "sv").get_json()["items"][0]["id"]

    assert api.get(f"/recordings/{recording_id}/export", "sv").status_code == 403
    exported = api.get(f"/recordings/{recording_id}/export", "admin")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert "recording.exported" in _actions(database)
    assert api.get("/recordings/9999/export", "admin").status_code == 404


def test_the_purge_deletes_files_and_metadata_six_months_after_the_call(database, tmp_path):
    folder, _ = _indexed(database, tmp_path)

    with time_machine.travel(datetime(2027, 5, 31, 12, 0, tzinfo=JST), tick=False):
        assert purge_expired(database) == 0
    with time_machine.travel(datetime(2027, 6, 1, 12, 0, tzinfo=JST), tick=False):
        assert purge_expired(database) == 2

    assert sorted(p.name for p in folder.iterdir()) == ["not-a-recording.wav"]
    assert "recordings.purged" in _actions(database)


def test_the_purge_follows_the_period_the_administrator_set_for_call_recordings(database, tmp_path):
    folder, _ = _indexed(database, tmp_path)
    with database.transaction() as session:
        save_retention(session, {"call_recordings": "12"}, "admin")

    with time_machine.travel(datetime(2027, 6, 1, 12, 0, tzinfo=JST), tick=False):
        assert purge_expired(database) == 0                       # six months old: kept for twelve
    with time_machine.travel(datetime(2027, 12, 1, 12, 0, tzinfo=JST), tick=False):
        assert purge_expired(database) == 2

    assert sorted(p.name for p in folder.iterdir()) == ["not-a-recording.wav"]


def test_a_contact_record_links_its_calls_recording_within_the_readers_scope(api, browsers, database, tmp_path):
    _indexed(database, tmp_path)
    first = api.post("/contacts", "op", contact(call_id="c1")).get_json()["id"]
    other = api.post("/contacts", "op", contact(call_id="c2")).get_json()["id"]
    c1 = api.get("/recordings?call_id=c1", "sv").get_json()["items"][0]["id"]

    supervisor = text_of(browsers["sv"].get(f"/callcentre/contacts/{first}"))
    own = text_of(browsers["op"].get(f"/callcentre/contacts/{first}"))
    not_own = text_of(browsers["op"].get(f"/callcentre/contacts/{other}"))     # c2 was op2's call

    assert f'href="/callcentre/recordings/{c1}"' in supervisor and "の通話録音を開く" in supervisor
    assert f'href="/callcentre/recordings/{c1}"' in own
    assert "通話録音を開く" not in not_own and "この通話の録音はありません" in not_own
    recording = text_of(browsers["sv"].get(f"/callcentre/recordings/{c1}"))
    assert f'href="/callcentre/contacts/{first}"' in recording                # and back to the record
    assert "20261201" not in recording and "recorder" not in recording        # no file name or folder shown


def test_the_transcript_is_shown_only_with_the_playback_right_and_each_reading_is_audited(browsers, database,
                                                                                          tmp_path):
    _indexed(database, tmp_path)
    with database.transaction(write=False) as session:
        c1 = session.scalar(select(CallRecording.id).where(CallRecording.call_id == "c1"))
        c2 = session.scalar(select(CallRecording.id).where(CallRecording.call_id == "c2"))
    page = f"/callcentre/recordings/{c1}"

    offered = text_of(browsers["sv"].get(page))
    refused = text_of(browsers["sv"].get(f"{page}?transcript=1"))
    with database.transaction() as session:
        set_playback_right(session, ADMIN, "sv", True)
    before = _actions(database).count("recording.transcript_read")
    shown = text_of(browsers["sv"].get(f"{page}?transcript=1"))

    assert "文字起こしを表示する" in offered and "お電話ありがとうございます" not in offered
    assert "再生権限）がありません" in refused and "お電話ありがとうございます" not in refused
    assert "お電話ありがとうございます。" in shown and f'src="/callcentre/recordings/{c1}/audio"' in shown
    assert _actions(database).count("recording.transcript_read") == before + 1
    assert "文字起こしがありません" in text_of(browsers["sv"].get(f"/callcentre/recordings/{c2}?transcript=1"))
    assert browsers["op"].get(f"/callcentre/recordings/{c2}").status_code == 404     # another operator's call
    assert browsers["counter_naka"].get(page).status_code == 403


def test_the_worker_schedules_the_purge_nightly_and_its_run_deletes_what_is_six_months_old(okuyami, database,
                                                                                           tmp_path, monkeypatch):
    from apscheduler.schedulers.blocking import BlockingScheduler

    folder, _ = _indexed(database, tmp_path)
    started = []
    monkeypatch.setattr(BlockingScheduler, "start", lambda scheduler, *a, **k: started.append(scheduler))

    assert okuyami("worker").exit_code == 0
    [scheduler] = started
    job = scheduler.get_job(PURGE_JOB_ID)
    after = datetime(2027, 6, 1, 12, 0, tzinfo=JST)
    assert job.trigger.get_next_fire_time(None, after) == datetime(2027, 6, 2, 2, 30, tzinfo=JST)
    with time_machine.travel(after, tick=False):
        job.func(*job.args, **job.kwargs)                         # what the scheduler runs at 02:30

    assert sorted(p.name for p in folder.iterdir()) == ["not-a-recording.wav"]
    assert "recordings.purged" in _actions(database)
