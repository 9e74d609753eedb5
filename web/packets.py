"""The visit's print packet on the staff pages: its progress (an htmx fragment on the visit screen) and its
download. Endpoints: packets.status and packets.download (the visit screen links to both)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

bp = Blueprint("packets", __name__)


@bp.get("/cases/<int:case_id>/packet/status")
@login_required
def status(case_id: int):
    abort(404)


@bp.get("/cases/<int:case_id>/packet.pdf")
@login_required
def download(case_id: int):
    abort(404)
