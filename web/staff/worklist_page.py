"""The worklist page around its rows (the header, the tab bar with its counts, the filters, the table's head and the
pager) rendered once per everything it shows and kept (per process, a bounded LRU), like its rows
(web/staff/worklist_rows.py): the key holds the person (their account's fields), the address with its query
string, the tab counts and the page's size, the filters as read, the wards and the training flag, so that
another person, another count or a renamed ward each make a new entry and nothing is ever stale. What differs per
request is written in as the page is sent: the rows, the CSRF token, the address rows come back to. A page with
messages to show (flash) is rendered afresh: showing them takes them out of the session."""
from __future__ import annotations

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from processes.departments import DEPARTMENTS
from processes.wards import load_wards
from web.staff.kept_html import KeptHtml
from web.staff.worklist_rows import BACK_MARK, CSRF_MARK

TEMPLATE = "worklist/index.html"
CAPACITY = 1024
"""Pages kept per process (about 10 KB each without their rows)."""
_ROWS = Markup("<rows-3c9a51>")
_pages = KeptHtml(CAPACITY)


def _query_key(query) -> tuple:
    errors = tuple(sorted((query.errors or {}).items()))
    return (query.tab, query.ward, query.department, query.due_from, query.due_to, query.case_number,
            query.completed_from, query.completed_to, query.sort, errors, query.page)


def _part(name: str, value):
    if name == "tasks":
        return len(value)           # the rows themselves are written in (render_rows keys each one)
    if name == "query":
        return _query_key(value)
    if isinstance(value, dict):
        return tuple(value.items())
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(value))
    return value


def _key(context: dict) -> tuple:
    """Every value the page is rendered from: the context (page_url aside, made of the address and the query),
    the person, the address, the wards, the departments and the training flag."""
    user = current_user
    return (user.user_id, user.username, user.display_name, user.role, user.ward, user.department,
            request.script_root, request.full_path, bool(current_app.config.get("TRAINING")),
            tuple((name, _part(name, value)) for name, value in sorted(context.items()) if name != "page_url"),
            tuple(load_wards().values()), tuple(DEPARTMENTS.items()))


def render_page(context: dict, rows: Markup) -> str:
    """worklist/index.html for `context` (everything it reads besides the request, the signed-in person, the wards,
    the departments and the rows: scope, query, tabs, counts, more, total, tasks, who, sorts, page_size, page_url)
    with `rows` (render_rows' marked HTML) written in."""
    if "_flashes" in session:
        html = render_template(TEMPLATE, **context, rows=[_ROWS], csrf_token=lambda: CSRF_MARK)
    else:
        key = _key(context)
        html = _pages.get(key)
        if html is None:
            html = render_template(TEMPLATE, **context, rows=[_ROWS], csrf_token=lambda: CSRF_MARK)
            _pages.keep(key, html)
    html = html.replace(_ROWS, rows, 1)
    return html.replace(CSRF_MARK, str(escape(generate_csrf()))).replace(BACK_MARK, str(escape(request.full_path)))
