"""The FAQ for the call centre: search (highlighted results, a search session that teaches synonyms), an item with
its answer, links, related items and attachments, "この回答で案内した", and browsing by category. Operators read
items for every operator; supervisors, admins and the auditor also supervisors-only ones."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import NotFound
from processes.calendar import today_jst
from processes.faq import attachments, categories, items, logs, search
from processes.faq.access import EDITORS, READERS, REVIEWERS, USERS
from processes.faq.answer_text import paragraphs
from processes.faq.matching import excerpt, highlight
from processes.faq.models import FaqItem
from web.extensions import platform
from web.formatting import wareki
from web.guards import roles_required

bp = Blueprint("faq", __name__, url_prefix="/faq", template_folder="templates")
PAGE_SIZE = 20
WEEKDAYS = "月火水木金土日"


@bp.app_template_filter("faq_day")
def faq_day(value: date | None) -> str:
    """A publish date as people read it: 令和8年4月1日（水）."""
    return f"{wareki(value)}（{WEEKDAYS[value.weekday()]}）" if value else ""


def template_helpers():
    """What every FAQ page's templates use (faq_editing and faq_admin register it on their blueprints too)."""
    return {"faq_id": items.faq_id, "answer_paragraphs": paragraphs, "highlight": highlight, "excerpt": excerpt,
            "is_editor": current_user.is_authenticated and current_user.role in EDITORS,
            "is_reviewer": current_user.is_authenticated and current_user.role in REVIEWERS,
            "may_use": current_user.is_authenticated and current_user.role in USERS}


bp.context_processor(template_helpers)


def state_of(item: FaqItem, today: date) -> list[str]:
    """Badges an editor needs: 非公開, 公開前, 公開終了, SVのみ."""
    badges = []
    if not item.published:
        badges.append("非公開")
    elif item.publish_start and today < item.publish_start:
        badges.append("公開前")
    elif item.publish_end and item.publish_end < today:
        badges.append("公開終了")
    if item.audience == "supervisors":
        badges.append("SVのみ")
    return badges


@bp.get("")
@roles_required(*READERS)
def index():
    query = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 1000 else 1
    session_id = request.args.get("session")
    with platform().database.transaction() as session:
        tree = categories.tree(session)
        if query:
            found = search.search(session, query, current_user.role, session_id, limit=PAGE_SIZE,
                                  offset=(page - 1) * PAGE_SIZE)
        else:
            found = search.SearchResult(query="", session=session_id if logs.valid_session(session_id)
                                        else search.new_session_id(), groups=[], total=0)
        badges = {item.id: state_of(item, today_jst()) for item in found.items}
        return render_template("faq/index.html", query=query, result=found, tree=tree, badges=badges, page=page,
                               pages=max(1, -(-found.total // PAGE_SIZE)))


@bp.get("/category/<int:category_id>")
@roles_required(*READERS)
def category(category_id: int):
    session_id = request.args.get("session")
    with platform().database.transaction(write=False) as session:
        tree = categories.tree(session)
        node = next((n for n in tree if n.id == category_id), None)
        if node is None:
            abort(404)
        listed = search.all_visible(session, current_user.role, categories.subtree_ids(session, category_id))
        badges = {item.id: state_of(item, today_jst()) for item in listed}
        return render_template("faq/category.html", node=node, tree=tree, listed=listed, badges=badges,
                               session_id=session_id if logs.valid_session(session_id) else None)


def _item_or_404(session, item_id: int) -> FaqItem:
    try:
        return items.get(session, item_id, current_user.role)
    except NotFound:
        abort(404)


@bp.get("/<int:item_id>")
@roles_required(*READERS)
def show(item_id: int):
    session_id = request.args.get("session")
    with platform().database.transaction(write=False) as session:
        item = _item_or_404(session, item_id)
        paths = {n.id: n.path for n in categories.tree(session)}
        related = [r for r in (session.get(FaqItem, i) for i in items.related_ids(session, item.id))
                   if r is not None and r.deleted_at is None and (r.audience == "all" or current_user.role != "operator")]
        return render_template("faq/show.html", item=item, badges=state_of(item, today_jst()),
                               category_paths=[paths[c] for c in items.category_ids(session, item.id) if c in paths],
                               related=related, files=attachments.listing(session, item.id),
                               size_label=attachments.size_label,
                               session_id=session_id if logs.valid_session(session_id) else None)


@bp.post("/<int:item_id>/used")
@roles_required(*USERS)
def used(item_id: int):
    session_id = request.form.get("session", "")
    with platform().database.transaction() as session:
        item = _item_or_404(session, item_id)
        if logs.valid_session(session_id):
            logs.record_use(session, session_id, item)
        else:
            logs.record_citation(session, item.id)
    flash("この回答で案内したことを記録しました。", "success")
    return redirect(url_for("faq.show", item_id=item_id, session=session_id or None))


@bp.get("/<int:item_id>/attachments/<int:attachment_id>")
@roles_required(*READERS)
def attachment(item_id: int, attachment_id: int):
    with platform().database.transaction(write=False) as session:
        _item_or_404(session, item_id)
        try:
            found = attachments.get(session, item_id, attachment_id)
        except NotFound:
            abort(404)
        response = Response(found.content, mimetype=found.content_type)
    response.headers.set("Content-Disposition", "attachment", filename=found.filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
