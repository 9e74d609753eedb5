"""No raw codes on the staff screens of the demo city: every page a supervisor, a counter clerk, a department
clerk and the process owner reach from their task lists, case pages and the studio (model library, editors,
catalogue, examples, case migration, form templates) shows names and Japanese words, never an ISO timestamp, a
department, ward or handling code, an audit action's code, a login ID or a file name (the studio names a file only
as a labelled secondary detail beside the model's or template's title)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from engine.db.models import User
from processes.demo.cases import seed_demo_cases
from processes.departments import DEPARTMENTS
from processes.wards import load_wards
from tests.admin_support import repository_values_afterwards  # noqa: F401 - fixture
from tests.page_support import Browsers

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?")
HANDLING_CODES = ("guided", "corner", "mailed", "not_needed")
ACTION_CODE = re.compile(r"\b[a-z_]+\.(?:viewed|started|completed|created|login|logout|deployed|uploaded|cancelled)\b")
FILE_NAME = re.compile(r"\b[\w-]+\.(?:docx|json|bpmn|dmn)\b")
SKIPPED = ("/logout", "/source", ".docx", ".pdf", ".zip", "diagram.json", "/static/", "/api/", "/bell", "/counts")
STUDIO = ("/models", "/catalogue", "/model-examples", "/case-migrations", "/forms/templates")
"""The process owner's studio: its library, editors, examples, case migration and form templates."""
SAME_PAGE_AGAIN = re.compile(r"/catalogue/[A-Z]{2}\d{2}$")
"""The catalogue's 50 entries share one page: a few of them stand for all."""


@pytest.fixture
def browsers(api_app, database):
    return Browsers(api_app, database)


LABELLED_FILE_NAME = re.compile(r'<span class="hint file-name">ファイル名：[\w.-]+</span>')
"""The studio may name a model's or template's file as a secondary detail, labelled, beside its title."""


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    html = LABELLED_FILE_NAME.sub(" ", html)
    html = re.sub(r"<(select|option)\b[^>]*>", " ", html)           # option values are codes by design
    html = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"https?://[^\s<>\"]+", " ", unescape(html))          # a web address is not a code
    return re.sub(r"（?例[:：][^）)\n]*）?", " ", text)                   # examples of what may be typed are not codes


def links(html: str) -> set[str]:
    return {unescape(href) for href in re.findall(r'href="(/[^"]*)"', html)
            if not any(part in href for part in SKIPPED)}


def problems_on(path: str, html: str, login_ids: set[str]) -> list[str]:
    text = visible_text(html)
    found = [f"{path}: ISO date {m}" for m in ISO_TIMESTAMP.findall(text)]
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    found += [f"{path}: code {code}" for code in sorted(words & (set(DEPARTMENTS) | set(load_wards())
                                                                 | set(HANDLING_CODES) | login_ids))]
    found += [f"{path}: action code {m}" for m in ACTION_CODE.findall(text)]
    found += [f"{path}: file name {m}" for m in FILE_NAME.findall(text)]
    found += [f"{path}: empty （） in …{m}…" for m in re.findall(r".{0,30}（\s*）.{0,10}", text)]
    return found


def test_the_demo_city_s_staff_pages_show_no_raw_codes(browsers, api_app, database):
    seed_demo_cases(api_app.extensions["okuyami"].runtime)
    users = {"sv": "supervisor", "counter_naka": "counter", "kumin_naka": "dept_staff", "po": "process_owner"}
    for name in users:
        browsers[name]
    with database.transaction() as s:
        for user in s.scalars(select(User)):
            user.display_name = f"職員 {user.id}号"
        login_ids = set(s.scalars(select(User.username))) | {"operator1", "counter_nakahara", "counter_kawasaki"}
    login_ids = {name for name in login_ids if len(name) > 2}        # "op", "sv" are also ordinary letters
    failures, seen, visited_by = [], 0, {}
    for name in users:
        client = browsers[name]
        start = ["/tasks", "/tasks?tab=group", "/tasks?tab=overdue", "/tasks?tab=completed", "/notifications",
                 "/supervisor/deadlines", "/counter/day", *STUDIO]
        queue, visited = list(start), set()
        visited_by[name] = visited
        while queue and len(visited) < 90:
            path = queue.pop(0)
            if path in visited:
                continue
            visited.add(path)
            response = client.get(path)
            if response.status_code >= 500:
                failures.append(f"{name} {path}: server error {response.status_code}")
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            seen += 1
            html = response.get_data(as_text=True)
            failures += [f"{name} {p}" for p in problems_on(path, html, login_ids)]
            if path in start or urlsplit(path).path.startswith(("/cases/", *STUDIO)):
                queue += sorted(links(html) - visited)
                queue = [p for p in queue if not SAME_PAGE_AGAIN.match(p)] + sorted(
                    p for p in queue if SAME_PAGE_AGAIN.match(p))[:3]         # three catalogue entries are enough
    assert seen > 20
    assert {"/models/", "/models/bpmn/okuyami_case.bpmn/edit", "/models/dmn/procedure_selection.dmn/versions",
            "/catalogue/", "/model-examples/", "/case-migrations/", "/forms/templates/"} <= visited_by["po"]
    assert any(SAME_PAGE_AGAIN.match(path) for path in visited_by["po"])
    assert failures == [], "\n".join(dict.fromkeys(failures))
