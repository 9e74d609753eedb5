"""The public FAQ (spec 12(7)②): /faq, /faq/search?q=…, /faq/category/<id>, /faq/<FAQ-ID>. Only published
items inside their publish window today; no script; every page works with the keyboard alone."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from markupsafe import Markup, escape

from processes.faq.answer_text import paragraphs
from processes.faq.matching import excerpt, highlight
from web.public.faq_data import PublicFaq
from web.public.formatting import today
from web.public.page_cache import PageCache

bp = Blueprint("public_faq", __name__, url_prefix="/faq", template_folder="templates")
PAGE_SIZE, POPULAR = 20, 10
CACHED_PAGES = 512


_cache = PageCache(CACHED_PAGES)


def faq() -> PublicFaq:
    return current_app.extensions["public_export"].part("faq", PublicFaq)


def marked(segments: list[tuple[str, bool]]) -> Markup:
    """Highlighted text: every segment escaped, the matched ones in <mark>."""
    return Markup("").join(Markup("<mark>%s</mark>") % text if matched else escape(text) for text, matched in segments)


@bp.app_context_processor
def _helpers():
    return {"answer_paragraphs": paragraphs, "highlight": highlight, "excerpt": excerpt, "marked": marked}


@bp.get("")
def index():
    data, day = faq(), today()
    popular = [i for i in data.items if i.visible_on(day)][:POPULAR]
    return render_template("public/faq/index.html", roots=data.roots(), categories=data.categories, popular=popular)


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10000 else 1
    data, day = faq(), today()
    return _cache.get((query, page, day, id(data)), lambda: _search_page(data, query, page, day))


def _search_page(data: PublicFaq, query: str, page: int, day) -> str:
    groups, found = data.search(query, day) if query else ([], [])
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render_template("public/faq/search.html", query=query, groups=groups, items=shown, total=len(found),
                           page=page, pages=pages, first=(page - 1) * PAGE_SIZE + 1)


@bp.get("/category/<int:category_id>")
def category(category_id: int):
    data = faq()
    if category_id not in data.categories:
        abort(404)
    return render_template("public/faq/category.html", category=data.categories[category_id],
                           path=data.path(category_id), categories=data.categories,
                           items=data.in_category(category_id, today()))


@bp.get("/<faq_id>")
def item(faq_id: str):
    data, day = faq(), today()
    found = data.item(faq_id, day)
    if found is None:
        abort(404)
    related = [r for r in (data.item(i, day) for i in found.related) if r is not None]
    paths = [data.path(c) for c in found.categories if c in data.categories]
    return render_template("public/faq/item.html", item=found, related=related, paths=paths)
