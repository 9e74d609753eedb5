"""The print packet of a case: made in the background once the pre-checks are done (ready before the family
arrives), made again when the case changes, one worker at a time, the .docx files when there is no LibreOffice,
and a failure recorded with a reason and retried later."""
import io
import zipfile
from datetime import timedelta

from sqlalchemy import select

from engine.db.models import AuditEntry
from engine.db.types import utcnow
from processes.documents.jobs import refresh_packets
from processes.documents.models import CasePacket
from processes.documents.packets import build_packet, needs_packet, packet_view
from processes.okuyami.booking_changes import move_case
from processes.tasks.access import Actor
from tests.case_support import MOVED_VISIT, book, precheck_everything
from tests.packet_support import FailingPool, RecordingPool, docx_text, missing_libreoffice_pool

OPERATOR = Actor("operator1", "operator", None, None)


def audit_actions(database, action):
    with database.transaction(write=False) as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_the_packet_is_made_in_the_background_once_the_prechecks_are_done(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    assert refresh_packets(database, case_runtime, pool) == 0          # pre-checks still running
    assert packet_view(database, case_runtime, case.id).state == "missing"

    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, pool) == 1
    view = packet_view(database, case_runtime, case.id)
    assert view.state == "ready" and view.has_pdf and not view.has_docx
    assert view.forms[0] == "guidance"
    assert {"juminido_setainushi_henko", "kouki_sosaihi", "ininjo"} <= set(view.forms)
    assert view.done == view.total == len(view.forms) == len(pool.documents)
    guidance = docx_text(pool.documents[0])
    assert "川崎 太郎" in guidance and "令和8年12月3日" in guidance

    assert refresh_packets(database, case_runtime, pool) == 0          # current: nothing to do
    [made] = audit_actions(database, "packet.generated")
    assert made.instance_id == case.id and made.detail["forms"] == list(view.forms)


def test_a_moved_visit_makes_the_packet_stale_and_it_is_made_again(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    assert build_packet(database, case_runtime, case.id, pool)        # asked for early, from the visit screen
    assert packet_view(database, case_runtime, case.id).state == "ready"

    with database.transaction() as session:
        move_case(session, case_runtime, OPERATOR, case.id, MOVED_VISIT.isoformat())
    view = packet_view(database, case_runtime, case.id)
    assert view.state == "stale" and needs_packet(view)

    precheck_everything(case_runtime, case)
    pool.documents.clear()
    assert refresh_packets(database, case_runtime, pool) == 1
    assert packet_view(database, case_runtime, case.id).state == "ready"
    assert "令和8年12月8日" in docx_text(pool.documents[0])            # the guidance sheet shows the new date


def test_another_workers_live_claim_is_respected(case_runtime, database):
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    with database.transaction() as session:
        session.add(CasePacket(case_id=case.id, status="generating", content_hash="x", forms=[], template_pins={},
                               no_pdf_reason="", error="", claimed_by="other-host:1",
                               claimed_until=utcnow() + timedelta(minutes=3)))
    pool = RecordingPool()
    assert not build_packet(database, case_runtime, case.id, pool, worker="this-host:2")
    assert pool.documents == []
    assert packet_view(database, case_runtime, case.id).state == "generating"
    with database.transaction() as session:   # the other worker died: its lease runs out
        session.get(CasePacket, case.id).claimed_until = utcnow() - timedelta(seconds=1)
    assert needs_packet(packet_view(database, case_runtime, case.id))
    assert build_packet(database, case_runtime, case.id, pool, worker="this-host:2")
    assert packet_view(database, case_runtime, case.id).state == "ready"


def test_without_libreoffice_the_packet_holds_the_filled_docx_files_and_says_why(case_runtime, database):
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, missing_libreoffice_pool()) == 1
    view = packet_view(database, case_runtime, case.id)
    assert view.state == "ready" and not view.has_pdf and view.has_docx
    assert "LibreOffice" in view.no_pdf_reason and "docx" in view.no_pdf_reason
    with database.transaction(write=False) as session:
        archive = zipfile.ZipFile(io.BytesIO(session.get(CasePacket, case.id).docx_zip))
    names = archive.namelist()
    assert names[0] == "01_guidance.docx" and len(names) == len(view.forms)
    assert "川崎 太郎" in docx_text(archive.read(names[0]))


def test_a_failure_is_shown_with_a_japanese_reason_and_retried_later(case_runtime, database):
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    assert refresh_packets(database, case_runtime, FailingPool()) == 0
    view = packet_view(database, case_runtime, case.id)
    assert view.state == "failed" and "PDF" in view.error
    assert not needs_packet(view)                                      # not at once, in a loop
    assert needs_packet(view, now=utcnow() + timedelta(minutes=6))


def test_the_stored_packet_is_encrypted_at_rest(case_runtime, database):
    case = book(case_runtime)
    build_packet(database, case_runtime, case.id, RecordingPool())
    with database.transaction() as session:
        row = session.get(CasePacket, case.id)
        assert row.pdf is not None and row.pdf.startswith(b"%PDF")
        raw = session.connection().exec_driver_sql(
            f"SELECT pdf FROM case_packets WHERE case_id = {case.id}").scalar()
    assert not bytes(raw).startswith(b"%PDF")                           # encrypted at rest


def test_the_printed_guidance_sheet_has_a_counter_page_with_what_the_departments_wrote(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    for task in case_runtime.list_tasks(instance_id=case.id, role="dept_staff"):
        assignment = case_runtime.task_data(task.id)["assignment"]
        decisions = [{"id": p["id"], "action": "confirm"} for p in assignment["procedures"] if p["id"] != "JU02"]
        result = {"decisions": decisions}
        if task.department == "kumin":
            result = {"decisions": [*decisions, {"id": "JU02", "action": "drop", "reason": "印鑑登録はされていなかった"},
                                    {"id": "JU04", "action": "add", "reason": "住基カードの保有を確認"}],
                      "note": "長女の方が住所変更の相談を希望。2番窓口へ。"}
        case_runtime.complete_task(task.id, {"precheck_result": result}, f"{task.department}-staff")
    assert refresh_packets(database, case_runtime, pool) == 1
    guidance = docx_text(pool.documents[0])
    family, counter = guidance.split("窓口用　担当課からの申し送り")
    assert f"（案件 {case.id}）" in counter and "ご遺族にはお渡ししないでください" in counter
    assert "■ 区民課" in counter
    assert "申し送り：長女の方が住所変更の相談を希望。2番窓口へ。" in counter
    assert "不要とした手続：印鑑登録の廃止、印鑑登録証の返納（理由：印鑑登録はされていなかった）" in counter
    assert "追加した手続：住民基本台帳カード返納（住基カードの保有を確認）" in counter
    assert "長女の方" not in family and "印鑑登録はされていなかった" not in family
    assert "住民基本台帳カード返納" in family                            # the added procedure is on the family's list


def test_a_case_whose_departments_wrote_nothing_prints_no_counter_page(case_runtime, database):
    pool = RecordingPool()
    case = book(case_runtime)
    precheck_everything(case_runtime, case)
    refresh_packets(database, case_runtime, pool)
    assert "窓口用" not in docx_text(pool.documents[0])
