"""A case's print packet through the JSON API: GET /api/v1/cases/{id}/packet.pdf.

Same permissions as reading the case with its personal data. While the packet is being made (or made again after
the case changed) the answer is 409 with a Japanese message, the progress and `Retry-After`; a server without
LibreOffice answers 503 saying so (the staff pages offer the .docx files instead). A GET changes nothing:
`POST /api/v1/cases/{id}/packet` asks for the packet to be made now."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from processes.documents.access import check_packet_read
from processes.documents.jobs import requests
from processes.documents.packet_content import packet_content
from processes.documents.packets import needs_packet, packet_view, read_packet_file
from web.api.support import actor, error_response, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_packets", __name__, url_prefix="/api/v1")
register_errors(bp)
RETRY_AFTER_SECONDS = 10
GENERATING = "印刷用の帳票を作成中です。しばらくしてから、もう一度取得してください。"


@bp.get("/cases/<int:case_id>/packet.pdf")
@token_required
def packet_pdf(case_id: int):
    p = platform()
    who = actor()
    with p.database.transaction(write=False) as session:
        data = check_packet_read(session, p.runtime, who, case_id)
        content = packet_content(session, p.runtime, case_id, data)
    view = packet_view(p.database, p.runtime, case_id, content.content_hash)
    if view.state == "ready" and not view.has_pdf:
        return error_response(503, view.no_pdf_reason)
    if view.state == "ready":
        pdf = read_packet_file(p.database, case_id, who.username, "pdf")
        if pdf is not None:
            return Response(pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f'attachment; filename="packet-{case_id}.pdf"', "Cache-Control": "no-store"})
    message = GENERATING if view.state != "failed" else f"{GENERATING}（前回の作成は失敗しました: {view.error}）"
    body = {"error": {"status": 409, "message": message},
            "progress": {"state": view.state, "done": view.done, "total": view.total}}
    return jsonify(body), 409, {"Retry-After": str(RETRY_AFTER_SECONDS)}


@bp.post("/cases/<int:case_id>/packet")
@token_required
def request_packet(case_id: int):
    """Make the packet now when it is missing or stale (a GET only reads: the worker makes the packets of the
    cases waiting for their visit). 202 with the progress; `queued` says whether a new run was started."""
    p = platform()
    who = actor()
    with p.database.transaction(write=False) as session:
        data = check_packet_read(session, p.runtime, who, case_id)
        content = packet_content(session, p.runtime, case_id, data)
    view = packet_view(p.database, p.runtime, case_id, content.content_hash)
    queued = bool(needs_packet(view) and requests.request(p.database, p.runtime, case_id, p.settings.public_url))
    return jsonify({"state": view.state, "done": view.done, "total": view.total, "queued": queued}), 202
