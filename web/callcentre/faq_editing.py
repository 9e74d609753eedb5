"""Supervisors edit the FAQ in the browser (spec 12(7)①ア・エ・オ): create, change, publish, delete; attach files;
read the revisions with what changed and restore one; export the whole FAQ as CSV and import one for the initial
load. Admins may do the same; the auditor reads the revisions and downloads the export."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import NotFound
from processes.faq import attachments, categories, csv_io, items
from processes.faq.access import EDITORS, REVIEWERS
from processes.faq.fields import AUDIENCES
from processes.faq.models import FaqItem
from processes.faq.revisions import ACTIONS, changes
from processes.tasks.validation import ValidationFailed
from web.callcentre.faq_pages import template_helpers
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("faq_edit", __name__, url_prefix="/faq", template_folder="templates")
bp.context_processor(template_helpers)
URL_ROWS = 5


def _body_from_form(session) -> dict:
    form = request.form
    urls = []
    for index in range(URL_ROWS):
        title, url = form.get(f"url_title_{index}", "").strip(), form.get(f"url_{index}", "").strip()
        if title or url:
            urls.append({"title": title, "url": url})
    related = []
    for word in form.get("related", "").replace("、", " ").replace(",", " ").split():
        number = items.parse_faq_id(word)
        found = session.query(FaqItem.id).filter_by(number=number).scalar() if number else None
        related.append(found or -1)
    return {
        "question": form.get("question", ""), "answer": form.get("answer", ""),
        "categories": [int(c) for c in form.getlist("categories") if c.isdigit() and int(c) < 2**31],
        "keywords": form.get("keywords", ""), "related_faq_ids": related, "related_urls": urls,
        "published": form.get("published") == "1", "publish_start": form.get("publish_start") or None,
        "publish_end": form.get("publish_end") or None, "audience": form.get("audience", "all"),
    }


def _form_values(session, item: FaqItem | None) -> dict:
    if item is None:
        return {"question": "", "answer": "", "categories": [], "keywords": "", "related": "", "urls": [],
                "published": False, "publish_start": "", "publish_end": "", "audience": "all"}
    snapshot = items.snapshot(session, item)
    numbers = dict(session.query(FaqItem.id, FaqItem.number).all())
    return {**snapshot, "keywords": "、".join(snapshot["keywords"]), "urls": snapshot["related_urls"],
            "related": " ".join(items.faq_id(numbers[r]) for r in snapshot["related_faq_ids"] if r in numbers),
            "publish_start": snapshot["publish_start"] or "", "publish_end": snapshot["publish_end"] or ""}


def _errors_by_field(failed: ValidationFailed) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in failed.errors:
        field = error.field.split(".")[0]
        if field == "related_faq_ids" and "ID" in error.message:
            found[field] = "関連FAQは FAQ-000123 の形式で、存在するFAQを空白区切りで入力してください。"
        else:
            found.setdefault(field, error.message)
    return found


def _render_form(session, item, values, errors, status=200):
    return render_template("faq/edit.html", item=item, values=values, errors=errors, tree=categories.tree(session),
                           audiences=AUDIENCES, url_rows=URL_ROWS,
                           files=attachments.listing(session, item.id) if item else [],
                           size_label=attachments.size_label, allowed=attachments.ALLOWED), status


def _item_or_404(session, item_id: int) -> FaqItem:
    try:
        return items.get(session, item_id, current_user.role)
    except NotFound:
        abort(404)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    with platform().database.transaction() as session:
        if request.method == "GET":
            values = _form_values(session, None)
            wanted = request.args.get("category", "")
            values["categories"] = [int(wanted)] if wanted.isdigit() and int(wanted) < 2**31 else []
            return _render_form(session, None, values, {})
        body = _body_from_form(session)
        try:
            with session.begin_nested():
                item = items.create(session, body, current_user.username)
        except ValidationFailed as failed:
            values = {**body, "related": request.form.get("related", ""), "urls": body["related_urls"],
                      "keywords": request.form.get("keywords", "")}
            return _render_form(session, None, values, _errors_by_field(failed), 422)
        flash(f"{items.faq_id(item.number)} を登録しました。", "success")
        return redirect(url_for("faq.show", item_id=item.id))


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(item_id: int):
    with platform().database.transaction() as session:
        item = _item_or_404(session, item_id)
        if request.method == "GET":
            return _render_form(session, item, _form_values(session, item), {})
        body = _body_from_form(session)
        try:
            with session.begin_nested():
                items.update(session, item, body, current_user.username)
        except ValidationFailed as failed:
            session.refresh(item)
            values = {**body, "related": request.form.get("related", ""), "urls": body["related_urls"],
                      "keywords": request.form.get("keywords", "")}
            return _render_form(session, item, values, _errors_by_field(failed), 422)
        flash(f"{items.faq_id(item.number)} を保存しました。", "success")
        return redirect(url_for("faq.show", item_id=item.id))


@bp.post("/<int:item_id>/delete")
@roles_required(*EDITORS)
def delete(item_id: int):
    with platform().database.transaction() as session:
        item = _item_or_404(session, item_id)
        items.remove(session, item, current_user.username)
        label = items.faq_id(item.number)
    flash(f"{label} を削除しました（履歴は残ります）。", "success")
    return redirect(url_for("faq.index"))


@bp.post("/<int:item_id>/attachments")
@roles_required(*EDITORS)
def upload(item_id: int):
    upload_file = request.files.get("file")
    with platform().database.transaction() as session:
        item = _item_or_404(session, item_id)
        try:
            if upload_file is None or not upload_file.filename:
                raise ValidationFailed([])
            with session.begin_nested():
                attachments.add(session, item, upload_file.filename, upload_file.read(attachments.MAX_BYTES + 1),
                                current_user.username)
            flash("ファイルを添付しました。", "success")
        except ValidationFailed as failed:
            flash(failed.errors[0].message if failed.errors else "添付するファイルを選んでください。", "error")
    return redirect(url_for("faq_edit.edit", item_id=item_id) + "#attachments")


@bp.post("/<int:item_id>/attachments/<int:attachment_id>/delete")
@roles_required(*EDITORS)
def remove_attachment(item_id: int, attachment_id: int):
    with platform().database.transaction() as session:
        _item_or_404(session, item_id)
        try:
            attachments.remove(session, item_id, attachment_id)
        except NotFound:
            abort(404)
    flash("添付ファイルを削除しました。", "success")
    return redirect(url_for("faq_edit.edit", item_id=item_id) + "#attachments")


@bp.get("/<int:item_id>/revisions")
@roles_required(*REVIEWERS)
def revisions(item_id: int):
    with platform().database.transaction(write=False) as session:
        item = _item_or_404(session, item_id)
        found = items.revisions(session, item)
        names = {n.id: n.path for n in categories.tree(session)}
        numbers = dict(session.query(FaqItem.id, FaqItem.number).all())

        def describe(field, value):
            if field == "categories":
                return names.get(value, "（削除された分類）")
            return items.faq_id(numbers[value]) if value in numbers else str(value)
        listed = [(revision, changes(previous.snapshot if previous else None, revision.snapshot, describe))
                  for revision, previous in zip(found, [*found[1:], None])]
        return render_template("faq/revisions.html", item=item, listed=listed, actions=ACTIONS)


@bp.post("/<int:item_id>/revisions/<int:revision_id>/restore")
@roles_required(*EDITORS)
def restore(item_id: int, revision_id: int):
    with platform().database.transaction() as session:
        item = _item_or_404(session, item_id)
        try:
            with session.begin_nested():
                items.restore(session, item, revision_id, current_user.username)
        except NotFound:
            abort(404)
        except ValidationFailed as failed:
            flash("この版には戻せません: " + "、".join(e.message for e in failed.errors), "error")
            return redirect(url_for("faq_edit.revisions", item_id=item_id))
    flash("選んだ版の内容に戻しました（新しい版として記録しました）。", "success")
    return redirect(url_for("faq.show", item_id=item_id))


@bp.get("/export.csv")
@roles_required(*REVIEWERS)
def export_csv():
    with platform().database.transaction(write=False) as session:
        data = csv_io.export(session)
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="faq-{csv_io.stamp()}.csv"'})


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*EDITORS)
def import_csv():
    if request.method == "GET":
        return render_template("faq/import.html", errors=[])
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return render_template("faq/import.html", errors=["取り込むCSVファイルを選んでください。"]), 422
    try:
        with platform().database.transaction() as session:
            count = csv_io.import_csv(session, upload_file.read(), current_user.username)
    except ValidationFailed as failed:
        return render_template("faq/import.html", errors=[e.message for e in failed.errors]), 422
    flash(f"{count}件のFAQを取り込みました。", "success")
    return redirect(url_for("faq.index"))
