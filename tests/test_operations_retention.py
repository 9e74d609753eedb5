"""The nightly purge, kind by kind: what has outlived its retention period (the defaults of /admin/retention) goes,
what is younger stays, and each kind's run is recorded and audited with how many and up to when, never the data."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.db.models import AuditEntry, HumanTask, ProcessInstance, Timer
from engine.runtime import audit
from processes.callcentre.models import CitizenVoice, ContactCallback, ContactRecord
from processes.documents.models import CasePacket
from processes.faq.models import FaqSearchLog
from processes.okuyami.visit_models import CaseVisit
from processes.operations.audit_chain import seal, verify
from processes.operations.models import AuditChainLink, PurgeRecord
from processes.operations.purge import purge
from processes.public.models import PublicRequest, SurveyAnswer
from processes.reports.models import ReportBuild
from processes.staff.models import StaffSession
from processes.tasks.drafts.models import TaskDraft
from web.cli import main

NOW = datetime(2026, 12, 3, 1, tzinfo=timezone.utc)
LONG_AGO = NOW - timedelta(days=6 * 366)


def _purged(database, dry_run=False) -> dict[str, int]:
    with database.transaction() as session:
        return {r.kind: r.count for r in purge(session, "test", dry_run=dry_run, now=NOW)}


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _recorded(database, kind):
    with database.transaction(write=False) as session:
        record = session.scalars(select(PurgeRecord).where(PurgeRecord.kind == kind)).one()
        entries = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purged"))
                   if e.detail["kind"] == kind]
    return record, entries


def _case(runtime, database, ended_on: datetime | None, visit_on: date | None = None) -> int:
    """A case with a draft, a visit row naming the family and a print packet; cancelled on `ended_on`."""
    with time_machine.travel(ended_on or NOW, tick=False):
        case = runtime.start("review", "op1", {"amount": 10}, ward="saiwai")
        if ended_on is not None:
            runtime.cancel(case.id, "op1")
    with database.transaction() as session:
        task_id = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == case.id))
        session.add(TaskDraft(task_id=task_id, username="op1", data=b'{"name": "x"}'))
        session.add(CaseVisit(instance_id=case.id, ward="saiwai", channel="walk_in", visit_on=visit_on or date(2025, 9, 1),
                              family=json.dumps({"deceased": "幸 花江"}).encode()))
        session.add(CasePacket(case_id=case.id, status="ready", content_hash="0" * 64, updated_at=ended_on or NOW))
    return case.id


def test_a_case_ended_before_its_retention_goes_whole_and_a_younger_one_stays(runtime, database):
    old = _case(runtime, database, datetime(2025, 10, 1, 3, tzinfo=timezone.utc))
    young = _case(runtime, database, datetime(2026, 6, 1, 3, tzinfo=timezone.utc))
    running = _case(runtime, database, None)
    assert _purged(database, dry_run=True)["case_personal_data"] == 1
    assert _purged(database)["case_personal_data"] == 1
    with database.transaction(write=False) as session:
        assert session.get(ProcessInstance, old) is None
        for model, column in ((HumanTask, HumanTask.instance_id), (Timer, Timer.instance_id),
                              (CaseVisit, CaseVisit.instance_id), (CasePacket, CasePacket.case_id)):
            assert _count(session, model, column == old) == 0, model
        assert _count(session, TaskDraft) == 2
        assert {i for i in session.scalars(select(ProcessInstance.id))} == {young, running}
    record, [entry] = _recorded(database, "case_personal_data")
    assert (record.deleted, record.up_to) == (1, datetime(2025, 12, 3, 1, tzinfo=timezone.utc))
    assert entry == {"kind": "case_personal_data", "rows": 1, "up_to": record.up_to.isoformat()}


def test_print_packets_go_three_months_after_the_visit(runtime, database):
    visited_long_ago = _case(runtime, database, None, visit_on=date(2026, 8, 20))
    visited_lately = _case(runtime, database, None, visit_on=date(2026, 11, 20))
    assert _purged(database)["print_packets"] == 1
    with database.transaction(write=False) as session:
        assert set(session.scalars(select(CasePacket.case_id))) == {visited_lately}
        assert session.get(ProcessInstance, visited_long_ago) is not None   # only the packet went
    record, [_] = _recorded(database, "print_packets")
    assert record.deleted == 1


def _contact(session, started_at, callback_at=None, voice=False) -> int:
    record = ContactRecord(channel="phone", counterpart_type="citizen", operator="operator1", started_at=started_at,
                           outcome="answered", question="葬祭費の申請先")
    session.add(record)
    session.flush()
    if callback_at is not None:
        session.add(ContactCallback(contact_id=record.id, name=b"x", phone=b"y", best_time=b"z",
                                    created_at=callback_at))
    if voice:
        session.add(CitizenVoice(contact_id=record.id, kind="opinion"))
    return record.id


def test_contact_records_go_with_their_callbacks_and_voices_after_five_years(database):
    with database.transaction() as session:
        old = _contact(session, LONG_AGO, callback_at=LONG_AGO, voice=True)
        kept = _contact(session, NOW - timedelta(days=30))
    purged = _purged(database)
    assert purged["contact_records"] == 1
    with database.transaction(write=False) as session:
        assert list(session.scalars(select(ContactRecord.id))) == [kept]
        assert _count(session, ContactCallback) == _count(session, CitizenVoice) == 0
    assert old != kept
    assert _recorded(database, "contact_records")[0].deleted == 1


def test_callback_details_go_after_three_months_and_the_record_stays(database):
    with database.transaction() as session:
        stale = _contact(session, NOW - timedelta(days=150), callback_at=NOW - timedelta(days=150))
        fresh = _contact(session, NOW - timedelta(days=10), callback_at=NOW - timedelta(days=10))
    assert _purged(database)["contact_callbacks"] == 1
    with database.transaction(write=False) as session:
        assert list(session.scalars(select(ContactCallback.contact_id))) == [fresh]
        assert session.get(ContactRecord, stale) is not None
    assert _recorded(database, "contact_callbacks")[0].deleted == 1


def test_faq_search_logs_go_after_three_months(database):
    with database.transaction() as session:
        for at in (NOW - timedelta(days=120), NOW - timedelta(days=100), NOW - timedelta(days=5)):
            session.add(FaqSearchLog(session_id="s" * 16, query="葬儀", normalised="葬儀", hits=1, at=at))
    assert _purged(database)["faq_search_logs"] == 2
    with database.transaction(write=False) as session:
        assert _count(session, FaqSearchLog) == 1


def test_sign_in_sessions_go_a_month_after_their_last_use(database):
    with database.transaction() as session:
        for n, seen in enumerate((NOW - timedelta(days=40), NOW - timedelta(hours=2))):
            session.add(StaffSession(token_hash=f"{n:064d}", data=b"{}", last_seen_at=seen, created_at=seen))
    assert _purged(database)["staff_sessions"] == 1
    with database.transaction(write=False) as session:
        assert _count(session, StaffSession) == 1


def test_survey_answers_go_five_years_after_they_were_given(database):
    with database.transaction() as session:
        for n, day in enumerate((date(2021, 11, 30), date(2021, 12, 2), date(2021, 12, 3), date(2026, 11, 30))):
            session.add(SurveyAnswer(public_id=f"s{n}", ward="saiwai", week_start=day - timedelta(days=day.weekday()),
                                     answered_on=day, source="sheet", corner_satisfaction=5, received_at=NOW))
    assert _purged(database, dry_run=True)["survey_answers"] == 2
    assert _purged(database)["survey_answers"] == 2
    with database.transaction(write=False) as session:
        assert set(session.scalars(select(SurveyAnswer.public_id))) == {"s2", "s3"}
    record, [entry] = _recorded(database, "survey_answers")
    assert record.deleted == 2 and entry["rows"] == 2


def test_web_requests_go_three_months_after_they_arrived_whatever_their_state(database):
    with database.transaction() as session:
        for n, (days, state) in enumerate(((200, "accepted"), (120, "kept"), (95, "settled"), (20, "kept"))):
            session.add(PublicRequest(number=f"R{n}", kind="booking", state=state, received_at=NOW - timedelta(days=days),
                                      payload='{"applicant": {"name": "幸 花江"}}'.encode()))
    assert _purged(database)["public_requests"] == 3
    with database.transaction(write=False) as session:
        assert list(session.scalars(select(PublicRequest.number))) == ["R3"]
    assert _recorded(database, "public_requests")[0].deleted == 3


def test_report_files_go_a_year_after_they_were_built_and_a_build_in_progress_stays(database):
    with database.transaction() as session:
        for period, state, days in (("2025-09", "done", 400), ("2025-10", "failed", 380), ("2025-11", "queued", 390),
                                    ("2025-12", "running", 370), ("2026-10", "done", 30)):
            at = NOW - timedelta(days=days)
            session.add(ReportBuild(kind="monthly", period=period, format="pdf", requested_by="sv1", requested_at=at,
                                    state=state, finished_at=at if state in ("done", "failed") else None,
                                    file=b"%PDF" if state == "done" else None))
    assert _purged(database, dry_run=True)["report_files"] == 2
    with database.transaction(write=False) as session:
        assert _count(session, ReportBuild) == 5
    assert _purged(database)["report_files"] == 2
    with database.transaction(write=False) as session:
        assert sorted(session.scalars(select(ReportBuild.period))) == ["2025-11", "2025-12", "2026-10"]
    record, [entry] = _recorded(database, "report_files")
    assert record.deleted == 2 and entry["rows"] == 2


def test_audit_entries_go_after_five_years_and_the_chain_still_verifies(database, instance_dir):
    for at in (LONG_AGO, LONG_AGO + timedelta(days=1), NOW - timedelta(days=3)):
        with time_machine.travel(at, tick=False):
            with database.transaction() as session:
                audit.record(session, "clerk1", "case.viewed", instance_id=7)
    with database.transaction() as session:
        seal(session)
    assert _purged(database, dry_run=True)["audit_log"] == 2
    assert _purged(database)["audit_log"] == 2
    record, [entry] = _recorded(database, "audit_log")
    assert record.deleted == 2 and record.anchor_hash and entry["rows"] == 2
    with database.transaction() as session:
        seal(session)
    with database.transaction(write=False) as session:
        assert _count(session, AuditEntry, AuditEntry.at < NOW - timedelta(days=30)) == 0
        first = session.scalars(select(AuditChainLink).order_by(AuditChainLink.audit_id)).first()
        report = verify(session)
    assert first.previous_hash == record.anchor_hash
    assert report.intact and report.checked > 1
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "audit", "verify"])
    assert result.exit_code == 0 and "正常" in result.output, result.output


def test_the_audit_log_refuses_a_delete_outside_a_purge(database):
    from sqlalchemy.exc import DatabaseError
    with database.transaction() as session:
        audit.record(session, "clerk1", "case.viewed", instance_id=7)
    with pytest.raises(DatabaseError):
        with database.transaction() as session:
            session.execute(AuditEntry.__table__.delete())
    with database.transaction(write=False) as session:
        assert _count(session, AuditEntry) == 1


def test_okuyami_purge_names_every_kind_and_where_recordings_go(database, instance_dir):
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "purge"])
    assert result.exit_code == 0, result.output
    for label in ("案件の個人情報", "印刷用の申請書類", "応対履歴: ", "折り返し先", "FAQの検索ログ", "ログインセッション",
                  "職員へのお知らせ", "満足度アンケートの回答", "市民向けサイトから届いた予約の申込み", "作成済みの報告書ファイル", "監査ログ"):
        assert label in result.output and "件削除しました" in result.output, label
    assert "通話録音: 通話録音の削除ジョブ" in result.output
    with database.transaction(write=False) as session:
        assert _count(session, PurgeRecord) == 11


def test_the_auditor_reads_each_purge_in_words(database):
    from processes.administration.audit_trail import People, action_label, describe
    _purged(database)
    with database.transaction(write=False) as session:
        entry = next(e for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purged"))
                     if e.detail["kind"] == "contact_callbacks")
        text = describe(entry, People(session))
    assert action_label(entry.action) == "保存期間を過ぎたデータを削除"
    assert text == "折り返し先（氏名・電話番号・連絡のつく時間）: 令和8年9月3日より前／0件"
