"""A case's print packet: made (or made again) in the background, read by the visit screen and the API.

Making a packet: claim the case's row (a lease, so that one worker makes it even with several processes), fill
every template, convert each to PDF on the warm converter pool (progress written after each document), merge, and
store the PDF encrypted with the hash of what it was made from. Without LibreOffice the filled .docx files are
stored in a zip instead, with the reason. A packet whose hash no longer matches the case is stale and is made
again; the old PDF stays downloadable meanwhile.
"""
from __future__ import annotations

import io
import logging
import os
import socket
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from engine.db.models import HumanTask, ProcessInstance
from engine.db.session import Database
from engine.db.types import utcnow
from engine.documents.converter_pool import ConverterPool, convert_all
from engine.documents.errors import ConverterUnavailable
from engine.documents.pdf import merge_pdfs
from engine.errors import OkuyamiError
from engine.runtime import WorkflowRuntime, audit
from processes.calendar import JST
from processes.documents.models import CasePacket
from processes.documents.packet_content import PacketContent, packet_content
from processes.okuyami.cases import CASE_PROCESS
from processes.public.survey import for_packet

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
RETRY_FAILED_AFTER = timedelta(minutes=5)
GENERATING, READY, FAILED = "generating", "ready", "failed"
VISIT_TASK = "visit"
GENERIC_FAILURE = "帳票の作成中にエラーが発生しました。時間をおいて、もう一度お試しください。"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class PacketView:
    """What the visit screen and the API show. state: missing, generating, ready, stale, failed."""

    state: str
    done: int = 0
    total: int = 0
    forms: tuple[str, ...] = ()
    has_pdf: bool = False
    has_docx: bool = False
    no_pdf_reason: str = ""
    error: str = ""
    generated_at: datetime | None = None

    @property
    def downloadable(self) -> bool:
        return self.has_pdf or self.has_docx


def packet_view(database: Database, runtime: WorkflowRuntime, case_id: int, current_hash: str | None = None) -> PacketView:
    with database.transaction(write=False) as session:
        if current_hash is None:
            current_hash = packet_content(session, runtime, case_id).content_hash
        row = session.get(CasePacket, case_id)
        if row is None:
            return PacketView("missing")
        has_pdf = session.scalar(select(CasePacket.pdf.is_not(None)).where(CasePacket.case_id == case_id))
        has_docx = session.scalar(select(CasePacket.docx_zip.is_not(None)).where(CasePacket.case_id == case_id))
        state = row.status
        if state in (READY, FAILED) and row.content_hash != current_hash:
            state = "stale"
        elif state == GENERATING and (row.claimed_until is None or row.claimed_until < utcnow()):
            state = "stale"   # its worker stopped before finishing: the lease ran out
        return PacketView(state, row.progress_done, row.progress_total, tuple(row.forms), bool(has_pdf),
                          bool(has_docx), row.no_pdf_reason, row.error, row.generated_at)


def needs_packet(view: PacketView, now: datetime | None = None) -> bool:
    if view.state in ("missing", "stale"):
        return True
    return view.state == FAILED and (view.generated_at is None or (now or utcnow()) - view.generated_at > RETRY_FAILED_AFTER)


def cases_waiting_for_visit(database: Database) -> list[int]:
    """Running cases whose pre-checks are done: their visit task is open (the forms step has run)."""
    query = (select(HumanTask.instance_id).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .where(HumanTask.spec_name == VISIT_TASK, HumanTask.state == "READY",
                    ProcessInstance.process_id == CASE_PROCESS, ProcessInstance.status == "running")
             .distinct().order_by(HumanTask.instance_id))
    with database.transaction(write=False) as session:
        return list(session.scalars(query))


# ------------------------------------------------------------------------------------------------ making one
def build_packet(database: Database, runtime: WorkflowRuntime, case_id: int, pool: ConverterPool,
                 worker: str | None = None, public_url: str | None = None) -> bool:
    """Make the case's packet unless it is current or another worker is making it; True when this call made it.
    With the public side's address, the guidance sheet carries a fresh survey token's address and QR code."""
    worker = worker or worker_name()
    with database.transaction(write=False) as session:
        content = packet_content(session, runtime, case_id)
    if not _claim(database, content, worker):
        return False
    try:
        survey = _survey(database, content, public_url)
        try:
            pool.check_available()
        except ConverterUnavailable as exc:
            log.warning("packet of case %s without PDF: %s", case_id, exc)
            _finish(database, content, worker, pdf=None, docx_zip=_zip(content.render(survey=survey)),
                    no_pdf_reason=exc.user_message)
            return True
        pdfs = _convert_all(database, content, worker, pool, survey)
        _finish(database, content, worker, pdf=merge_pdfs(pdfs), docx_zip=None, no_pdf_reason="")
        return True
    except Exception as exc:  # noqa: BLE001 - recorded on the row, shown on the visit screen
        log.exception("making the packet of case %s failed", case_id)
        message = exc.user_message if isinstance(exc, OkuyamiError) else GENERIC_FAILURE
        _fail(database, case_id, worker, message)
        return False


def _claim(database: Database, content: PacketContent, worker: str) -> bool:
    now = utcnow()
    try:
        with database.transaction() as session:
            row = session.get(CasePacket, content.case_id, with_for_update=True)
            if row is None:
                row = CasePacket(case_id=content.case_id, content_hash=content.content_hash, forms=[], template_pins={},
                                 no_pdf_reason="", error="")
                session.add(row)
            elif row.status == GENERATING and row.claimed_by != worker and row.claimed_until and row.claimed_until > now:
                return False
            elif row.status == READY and row.content_hash == content.content_hash:
                return False
            row.status, row.content_hash, row.error = GENERATING, content.content_hash, ""
            row.forms, row.template_pins = content.form_names, content.pins
            row.progress_done, row.progress_total = 0, len(content.templates)
            row.claimed_by, row.claimed_until, row.updated_at = worker, now + LEASE, now
    except IntegrityError:
        return False  # another worker inserted the row first
    return True


def _survey(database: Database, content: PacketContent, public_url: str | None) -> dict | None:
    """A survey token for this packet's guidance sheet: the case's ward and the week of its visit (the booked slot's
    day, or today for a walk-in); the token row does not name the case."""
    if not public_url:
        return None
    slot = content.data.get("slot_start")
    try:
        visit_on = datetime.fromisoformat(slot).astimezone(JST).date() if isinstance(slot, str) else None
    except ValueError:
        visit_on = None
    with database.transaction() as session:
        return for_packet(session, content.ward, visit_on, public_url)


def _convert_all(database: Database, content: PacketContent, worker: str, pool: ConverterPool,
                 survey: dict | None = None) -> list[bytes]:
    def progress(done: int) -> None:
        with database.transaction() as session:
            session.execute(update(CasePacket).where(CasePacket.case_id == content.case_id,
                                                     CasePacket.claimed_by == worker)
                            .values(progress_done=done, updated_at=utcnow()))
    return convert_all(pool, (docx for _name, docx in content.iter_render(survey=survey)), progress)


def _finish(database: Database, content: PacketContent, worker: str, *, pdf: bytes | None, docx_zip: bytes | None,
            no_pdf_reason: str) -> None:
    with database.transaction() as session:
        row = session.get(CasePacket, content.case_id, with_for_update=True)
        if row is None or row.claimed_by != worker:
            return  # the lease ran out and another worker took over
        row.status, row.pdf, row.docx_zip, row.no_pdf_reason = READY, pdf, docx_zip, no_pdf_reason
        row.progress_done = row.progress_total
        row.claimed_by = row.claimed_until = None
        row.generated_at = row.updated_at = utcnow()
        audit.record(session, "worker", "packet.generated", instance_id=content.case_id,
                     detail={"forms": content.form_names, "pdf": pdf is not None})


def _fail(database: Database, case_id: int, worker: str, message: str) -> None:
    with database.transaction() as session:
        session.execute(update(CasePacket).where(CasePacket.case_id == case_id, CasePacket.claimed_by == worker)
                        .values(status=FAILED, error=message, claimed_by=None, claimed_until=None,
                                generated_at=utcnow(), updated_at=utcnow()))


def _zip(documents: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, docx) in enumerate(documents, start=1):
            archive.writestr(f"{number:02d}_{name}.docx", docx)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ reading one
def read_packet_file(database: Database, case_id: int, actor: str, kind: str = "pdf") -> bytes | None:
    """The stored PDF (kind "pdf") or docx zip ("docx"), with the download written to the audit log."""
    column = CasePacket.pdf if kind == "pdf" else CasePacket.docx_zip
    with database.transaction() as session:
        content = session.scalar(select(column).where(CasePacket.case_id == case_id))
        if content is not None:
            audit.record(session, actor, "packet.downloaded", instance_id=case_id, detail={"kind": kind})
        return content
