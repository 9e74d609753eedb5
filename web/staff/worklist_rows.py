"""The worklist's rows rendered once per change, not once per request: a row's HTML is kept (per process, a
bounded LRU) under everything the row shows, so that an edited task, a new visit time, a renamed ward or person,
a task that became overdue or another viewer each make a new entry and nothing is ever stale. The two per-request
parts of a row, the CSRF token and the address to come back to, stay marks (CSRF_MARK, BACK_MARK) that the page
replaces once for all its rows as it is sent (web/staff/worklist_page.py)."""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from web.people import person
from web.staff.kept_html import KeptHtml

CAPACITY = 4096
"""Rows kept per process (about 2 KB each): several worklists' pages of a busy office."""
# Marks no text of a page can contain: every value is written escaped, so a "<" in it never reaches the HTML as is.
CSRF_MARK = Markup("<csrf-0f6b2c>")
BACK_MARK = Markup("<back-0f6b2c>")
_rows = KeptHtml(CAPACITY)


def _key(task, overdue: bool, context: dict) -> tuple:
    wards, departments, subject = context["wards"], context["departments"], context["subjects"].get(task.instance_id)
    ward, me = wards.get(task.ward), context["who"].username
    return (tuple(task), overdue, me, context["links"].key, ward.name if ward is not None else None,
            departments.get(task.department), subject, person(task.assignee) if task.assignee != me else None,
            person(task.completed_by), tuple(context["assignees"].get(task.id, ())))


def render_rows(tasks, context: dict) -> Markup:
    """Each task's row (worklist/_row.html), joined, with CSRF_MARK and BACK_MARK where the request's CSRF token and
    return address go. `context` holds what the template reads besides the task: who, now, links, subjects,
    assignees, wards, departments, is_overdue."""
    template = current_app.jinja_env.get_template("worklist/_row.html")
    now, is_overdue = context["now"], context["is_overdue"]
    rows = []
    for task in tasks:
        overdue = is_overdue(task, now)
        key = _key(task, overdue, context)
        html = _rows.get(key)
        if html is None:
            html = template.render(task=task, row_csrf=CSRF_MARK, row_back=BACK_MARK, **context)
            _rows.keep(key, html)
        rows.append(html)
    return Markup("".join(rows))
