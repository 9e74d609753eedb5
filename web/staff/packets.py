"""The visit's print packet on the staff pages: its progress (an htmx fragment on the visit screen) and its
download. Endpoints: packets.status and packets.download (the visit screen links to both), packets.request_packet (POST:
make it now), packets.download_docx when the server cannot make PDFs."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from processes.documents.access import check_packet_read
from processes.documents.jobs import requests
from processes.documents.packet_content import packet_content
from processes.documents.packets import needs_packet, packet_view, read_packet_file
from processes.okuyami.visit_models import CaseVisit
from web.extensions import platform
from web.guards import page_actor, roles_required

bp = Blueprint("packets", __name__, template_folder="templates")
PACKET_READERS = ("counter", "operator", "supervisor")
NOT_READY = "帳票はまだ作成中です。準備ができるまで、しばらくお待ちください。"


def _view(case_id: int):
    """The packet's state for the signed-in person (access checked). Reading it changes nothing: the worker makes
    the packets of the cases waiting for their visit, and the visit screen asks for one by POST."""
    p = platform()
    with p.database.transaction(write=False) as session:
        data = check_packet_read(session, p.runtime, page_actor(), case_id)
        content = packet_content(session, p.runtime, case_id, data)
    return packet_view(p.database, p.runtime, case_id, content.content_hash)


@bp.get("/cases/<int:case_id>/packet/status")
@roles_required(*PACKET_READERS)
def status(case_id: int):
    return render_template("documents/packet_status.html", case_id=case_id, view=_view(case_id), queued=False)


@bp.post("/cases/<int:case_id>/packet/request")
@roles_required(*PACKET_READERS)
def request_packet(case_id: int):
    """Make the packet now when it is missing or stale (the visit screen posts this when it opens)."""
    view = _view(case_id)
    p = platform()
    queued = needs_packet(view) and requests.request(p.database, p.runtime, case_id, p.settings.public_url)
    return render_template("documents/packet_status.html", case_id=case_id, view=view, queued=queued)


def _visit_closed(case_id: int) -> bool:
    p = platform()
    with p.database.transaction(write=False) as session:
        row = session.get(CaseVisit, case_id)
        return row is not None and row.checked_out_at is not None


def _file_response(case_id: int, kind: str) -> Response:
    """The packet's file once it is ready; after the visit is closed, the packet the family was given, although
    the outcomes recorded at check-out have made it stale (nothing makes a closed visit's packet again)."""
    view = _view(case_id)
    if view.state != "ready" and not (view.state == "stale" and view.downloadable and _visit_closed(case_id)):
        return render_template("error.html", status=409, message=NOT_READY), 409
    p = platform()
    content = read_packet_file(p.database, case_id, page_actor().username, kind)
    if content is None:
        return render_template("error.html", status=404, message=view.no_pdf_reason or NOT_READY), 404
    mimetype, suffix = ("application/pdf", "pdf") if kind == "pdf" else ("application/zip", "zip")
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="packet-{case_id}.{suffix}"', "Cache-Control": "no-store"})


@bp.get("/cases/<int:case_id>/packet.pdf")
@roles_required(*PACKET_READERS)
def download(case_id: int):
    return _file_response(case_id, "pdf")


@bp.get("/cases/<int:case_id>/packet.zip")
@roles_required(*PACKET_READERS)
def download_docx(case_id: int):
    return _file_response(case_id, "docx")
