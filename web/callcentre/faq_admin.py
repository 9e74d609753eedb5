"""The FAQ's vocabulary for supervisors: the category tree edited in the browser (add, rename, delete an empty one,
move one up or down among its siblings or under another parent, copy a subtree with its items: spec 12(7)①コ),
and the synonyms page (proposals learned from searches to accept or dismiss, synonyms added by hand, and the
zero-hit report: what callers asked that the FAQ did not find)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import NotFound
from processes.faq import categories, category_moves, logs, synonyms
from processes.faq.access import EDITORS, REVIEWERS
from processes.tasks.validation import ValidationFailed
from web.callcentre.faq_pages import template_helpers
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("faq_admin", __name__, url_prefix="/faq", template_folder="templates")
bp.context_processor(template_helpers)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) < 2**31 else None


def _parent_field(value: str | None) -> int | str | None:
    """The chosen parent: None for the top level, an id, or what was sent (refused in Japanese by the service)."""
    value = (value or "").strip()
    return None if not value else int(value) if value.isdigit() and int(value) < 2**31 else value


def _ends(tree) -> tuple[set[int], set[int]]:
    """The ids listed first and last under their parent (their 上へ / 下へ are not offered)."""
    first: dict[int | None, int] = {}
    last: dict[int | None, int] = {}
    for node in tree:
        first.setdefault(node.parent_id, node.id)
        last[node.parent_id] = node.id
    return set(first.values()), set(last.values())


def _flash_failure(failed: ValidationFailed) -> None:
    flash("、".join(e.message for e in failed.errors) or failed.user_message, "error")


@bp.get("/categories")
@roles_required(*REVIEWERS)
def category_tree():
    with platform().database.transaction(write=False) as session:
        tree = categories.tree(session)
        firsts, lasts = _ends(tree)
        return render_template("faq/categories.html", tree=tree, firsts=firsts, lasts=lasts,
                               may_edit=current_user.role in EDITORS, max_levels=categories.MAX_LEVELS)


@bp.post("/categories")
@roles_required(*EDITORS)
def category_add():
    try:
        with platform().database.transaction() as session:
            created = categories.create(session, request.form.get("name", ""), _int(request.form.get("parent_id")))
            flash(f"分類「{created.name}」を追加しました。", "success")
    except ValidationFailed as failed:
        _flash_failure(failed)
    return redirect(url_for("faq_admin.category_tree"))


def _with_category(category_id: int, action) -> None:
    try:
        with platform().database.transaction() as session:
            action(session, categories.get(session, category_id))
    except NotFound:
        abort(404)
    except ValidationFailed as failed:
        _flash_failure(failed)


@bp.post("/categories/<int:category_id>/rename")
@roles_required(*EDITORS)
def category_rename(category_id: int):
    def rename(session, category):
        categories.rename(session, category, request.form.get("name", ""))
        flash(f"分類名を「{category.name}」に変えました。", "success")
    _with_category(category_id, rename)
    return redirect(url_for("faq_admin.category_tree"))


@bp.post("/categories/<int:category_id>/delete")
@roles_required(*EDITORS)
def category_delete(category_id: int):
    def remove(session, category):
        name = category.name
        categories.remove(session, category)
        flash(f"分類「{name}」を削除しました。", "success")
    _with_category(category_id, remove)
    return redirect(url_for("faq_admin.category_tree"))


@bp.post("/categories/<int:category_id>/shift")
@roles_required(*EDITORS)
def category_shift(category_id: int):
    def shift(session, category):
        direction = request.form.get("direction", "")
        category_moves.shift(session, category, direction, current_user.username)
        where = "上" if direction == category_moves.UP else "下"
        flash(f"分類「{category.name}」を1つ{where}へ移しました。", "success")
    _with_category(category_id, shift)
    return redirect(url_for("faq_admin.category_tree"))


@bp.post("/categories/<int:category_id>/move")
@roles_required(*EDITORS)
def category_move(category_id: int):
    def move(session, category):
        category_moves.move(session, category, _parent_field(request.form.get("parent_id")), current_user.username)
        paths = {n.id: n.path for n in categories.tree(session)}
        flash(f"分類「{category.name}」を配下の分類・FAQごと移しました: {paths[category.id]}", "success")
    _with_category(category_id, move)
    return redirect(url_for("faq_admin.category_tree"))


@bp.post("/categories/<int:category_id>/copy")
@roles_required(*EDITORS)
def category_copy(category_id: int):
    def copy(session, category):
        copied = categories.copy(session, category, _int(request.form.get("parent_id")), current_user.username)
        flash(f"分類「{category.name}」を配下の分類・FAQごと複写しました（複写したFAQは非公開です）: {copied.name}", "success")
    _with_category(category_id, copy)
    return redirect(url_for("faq_admin.category_tree"))


@bp.get("/synonyms")
@roles_required(*REVIEWERS)
def synonym_page():
    with platform().database.transaction(write=False) as session:
        return render_template("faq/synonyms.html", proposals=synonyms.proposals(session),
                               accepted=synonyms.synonyms(session), zero_hits=logs.zero_hit_report(session),
                               may_edit=current_user.role in EDITORS)


def _decide(action, proposal_id: int, message: str):
    try:
        with platform().database.transaction() as session:
            action(session, proposal_id, current_user.username)
    except NotFound:
        abort(404)
    flash(message, "success")
    return redirect(url_for("faq_admin.synonym_page"))


@bp.post("/synonyms/proposals/<int:proposal_id>/accept")
@roles_required(*EDITORS)
def proposal_accept(proposal_id: int):
    return _decide(synonyms.accept, proposal_id, "類義語として登録しました。以後の検索に使われます。")


@bp.post("/synonyms/proposals/<int:proposal_id>/dismiss")
@roles_required(*EDITORS)
def proposal_dismiss(proposal_id: int):
    return _decide(synonyms.dismiss, proposal_id, "候補を見送りました。同じ組み合わせは再び提案されません。")


@bp.post("/synonyms")
@roles_required(*EDITORS)
def synonym_add():
    try:
        with platform().database.transaction() as session:
            synonyms.add(session, request.form.get("term"), request.form.get("expands_to"), current_user.username)
        flash("類義語を登録しました。", "success")
    except ValidationFailed as failed:
        _flash_failure(failed)
    return redirect(url_for("faq_admin.synonym_page"))


@bp.post("/synonyms/<int:synonym_id>/delete")
@roles_required(*EDITORS)
def synonym_delete(synonym_id: int):
    try:
        with platform().database.transaction() as session:
            synonyms.remove(session, synonym_id)
    except NotFound:
        abort(404)
    flash("類義語を削除しました。", "success")
    return redirect(url_for("faq_admin.synonym_page"))
