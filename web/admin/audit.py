"""The auditor's screen: the audit trail searched by person, case, action and period, the personal-data reads, and
the same search as a CSV file (formula-safe) carrying each entry's link of the audit chain.
Read only: nothing here changes data (an export is itself logged)."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from engine.runtime import audit as audit_log
from processes.administration import audit_trail
from processes.csv_export import write_csv
from processes.operations import audit_chain
from processes.tasks.validation import ValidationFailed
from web.extensions import platform
from web.formatting import JST, datetime_ja
from web.guards import roles_required

bp = Blueprint("audit", __name__, template_folder="templates")
READERS = ("auditor",)
# The last four columns are the audit chain: an auditor checks them offline (processes/operations/verify_audit_csv.py).
CSV_HEADER = ["日時", "操作した人", "操作", "案件番号", "個人情報の閲覧", "内容", "記録番号", "前の記録のハッシュ",
              "この記録のハッシュ", "検証用データ"]


@bp.route("/audit")
@roles_required(*READERS)
def index():
    errors, query = {}, audit_trail.TrailQuery()
    try:
        query = audit_trail.read_query(request.args)
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors}
    with platform().database.transaction(write=False) as session:
        entries, total = ([], 0) if errors else audit_trail.search(session, query)
        people = audit_trail.People(session)
        actors = audit_trail.actor_filter_choices(session)
        rows = [(entry, people.actor(entry.actor), audit_trail.describe(entry, people)) for entry in entries]
    pages = max(1, -(-total // audit_trail.PAGE_SIZE))
    return render_template("admin/audit.html", rows=rows, total=total, query=query, errors=errors,
                           actors=actors, actions=audit_trail.ACTION_LABELS, pages=pages,
                           args=request.args), 422 if errors else 200


@bp.route("/audit.csv")
@roles_required(*READERS)
def export():
    try:
        query = audit_trail.read_query(request.args)
    except ValidationFailed as exc:
        return Response("\n".join(e.message for e in exc.errors), status=422, mimetype="text/plain")
    with platform().database.transaction() as session:
        audit_chain.seal(session)
        people = audit_trail.People(session)
        entries = audit_trail.export_rows(session, query)
        links = audit_chain.chain_of(session, [e.id for e in entries])
        body = write_csv(([datetime_ja(e.at), people.actor(e.actor), audit_trail.action_label(e.action),
                           e.instance_id or "", "あり" if audit_trail.is_personal_data_read(e) else "",
                           audit_trail.describe(e, people), e.id, links[e.id].previous_hash, links[e.id].entry_hash,
                           audit_chain.canonical(e, links[e.id].previous_hash)] for e in entries), CSV_HEADER)
        audit_log.record(session, current_user.username, "audit.exported", detail={"rows": len(entries)})
    name = f"audit-{datetime.now(JST):%Y%m%d-%H%M}.csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
