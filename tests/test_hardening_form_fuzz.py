"""No 500s from the pages' forms either (issue #13, 3): the schemathesis run (tests/test_openapi.py) reaches the JSON
API only, so this fuzzer does for the staff pages what it does for the API. Every role's pages are crawled from
its menu (links followed a few steps, a booked case and a walk-in to reach), every POST form found is sent with
values drawn by hypothesis: the form's own field names with hostile values (year 1, ids beyond 64 bits, 100,000
brackets, NUL bytes, full-width digits, 和暦 that does not exist, markup), fields left out and fields the form does
not have; each hostile value also goes into every field at once. Whatever the answer (a Japanese refusal, a
redirect, a conflict), it must not be a server error. Every POST page route with an id also gets an id beyond
64 bits."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.api_support import USERS, reservation, walk_in
from tests.web_support import add_user, login

CRAWLERS = ("op", "counter_naka", "kumin_naka", "sv", "po", "auditor", "admin")
"""Each role once; the administrator last, since their forms change other people's accounts."""
PAGES_PER_ROLE = 30
VISITS_PER_ENDPOINT = 2
EXAMPLES_PER_FORM = 3
NOT_FUZZED = {"auth.logout", "auth.login", "account.password"}
"""Ending one's own session (the login form's guessing is tests/test_hardening_login_throttle.py's)."""
HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "99999999999999999999999", str(2 ** 64 + 1), "0001-01-01",
    "0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59+09:00", "2026-02-30", "令和99年13月40日", "平成元年",
    "１２３", "ｱｲｳ", "[" * 100_000, "{" * 1000, "\x00", "a\x00b", "<script>alert(1)</script>", "' OR 1=1 --",
    "{{ 7 * 7 }}", "長" * 5000, "../../etc/passwd", "true", "null", "[]", "{}", "\u202e\u200b",
]
EVERY_FIELD = ["", "-1", "1e309", str(2 ** 64 + 1), "0001-01-01T00:00:00+09:00", "9999-12-31T23:59:59+09:00",
               "令和99年13月40日", "[" * 100_000, "a\x00b", "長" * 5000]
"""The values that also go into every field of every form at once (the hypothesis draws mix all of HOSTILE)."""


class Forms(HTMLParser):
    """The POST forms of a page (action, hidden values, other field names) and its links."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            action = a.get("hx-post") or a.get("action") or ""
            method = "post" if a.get("hx-post") else (a.get("method") or "get").lower()
            self._form = {"action": action, "method": method, "hidden": {}, "fields": {}}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and a.get("name"):
            if a.get("type") == "hidden":
                self._form["hidden"][a["name"]] = a.get("value", "")
            else:
                self._form["fields"].setdefault(a["name"], []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def endpoint_of(app, path: str, method: str) -> str | None:
    try:
        return app.url_map.bind("localhost").match(path, method=method)[0]
    except (NotFound, MethodNotAllowed):
        return None


def start_pages(app, role: str) -> list[str]:
    pages = []
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if "GET" in rule.methods and not rule.arguments and roles is not None and (not roles or role in roles) \
                and not rule.rule.startswith(("/api/", "/static/")):
            pages.append(rule.rule)
    return sorted(pages)


def crawl(app, client, role: str) -> list[tuple[str, dict]]:
    """(page, form) of every POST form on the pages reachable from the role's start pages."""
    queue, seen, found, visits = start_pages(app, role), set(), [], {}
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        endpoint = endpoint_of(app, urlsplit(path).path, "GET")
        if path in seen or endpoints_visited(visits, endpoint) > VISITS_PER_ENDPOINT:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, f"GET {path} as {role}: {response.status_code}"
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form["method"] == "post":
                found.append((path, {**form, "action": urlsplit(urljoin(path, form["action"] or path)).path}))
        for link in parser.links:
            target = urlsplit(urljoin(path, link))
            if not target.netloc and target.path.startswith("/") and not target.path.startswith(
                    ("/static/", "/api/", "/logout")) and not re.search(r"\.(pdf|csv|docx|wav|mp3)$", target.path):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return found


def endpoints_visited(visits: dict, endpoint: str | None) -> int:
    """Counts a visit: a page with other ids or another week holds the same forms."""
    visits[endpoint] = visits.get(endpoint, 0) + 1
    return visits[endpoint]


def values_for(form: dict):
    """Hostile values for the form's fields (some left out), plus a field the form does not have."""
    hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
    fields = {name: st.one_of(st.sampled_from(options), hostile) for name, options in form["fields"].items()}
    return st.tuples(st.fixed_dictionaries({}, optional=fields),
                     st.dictionaries(st.sampled_from(["deceased", "ward", "__proto__", "x" * 300]), hostile,
                                     max_size=1))


@pytest.fixture
def fuzzed_app(api_app, api, tokens):
    api_app.config["WTF_CSRF_ENABLED"] = False        # CSRF is tested on its own (test_web_login.py)
    assert api.post("/cases", "op", reservation()).status_code == 201
    assert api.post("/cases", "counter_naka", walk_in()).status_code == 201
    return api_app


def test_no_page_form_answers_with_a_server_error(fuzzed_app, tokens):
    app = fuzzed_app
    failures: list[str] = []
    fuzzed: set[str] = set()
    for user in CRAWLERS:
        tokens[user]                                     # the account
        client = app.test_client()
        assert login(client, user).status_code == 302
        role = role_of(user)
        for page, form in crawl(app, client, role):
            endpoint = endpoint_of(app, form["action"], "POST")
            if endpoint is None or endpoint in fuzzed or endpoint in NOT_FUZZED:
                continue
            fuzzed.add(endpoint)
            label = f"{endpoint} ({page} as {role})"
            for value in EVERY_FIELD:                    # each of these values in every field at once
                _send(client, form, {name: value for name in form["fields"]}, {"x" * 300: value}, failures, label)
            _fuzz(client, form, failures, label)()       # and mixes drawn by hypothesis
    assert len(fuzzed) >= 15, sorted(fuzzed)            # the crawl reached the pages' forms
    assert failures == []


def role_of(user: str) -> str:
    return USERS[user][0]


def _fuzz(client, form: dict, failures: list[str], label: str):
    @given(drawn=values_for(form))
    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(drawn):
        _send(client, form, *drawn, failures, label)

    return check


def _send(client, form: dict, own: dict, extra: dict, failures: list[str], label: str) -> None:
    response = client.post(form["action"], data={**form["hidden"], **own, **extra})
    if response.status_code >= 500:
        sent = {k[:20]: v[:30] for k, v in {**own, **extra}.items()}
        failures.append(f"{label}: {response.status_code} for {sent!r}")


def test_post_page_routes_with_an_id_beyond_64_bits_never_answer_with_a_server_error(fuzzed_app, tokens):
    app = fuzzed_app
    clients = {}
    for user in ("sv", "po", "admin", "counter_naka", "op"):
        tokens[user]
        clients[role_of(user)] = app.test_client()
        assert login(clients[role_of(user)], user).status_code == 302
    answers = {}
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or not rule.arguments or roles is None:
            continue
        if "<int:" not in rule.rule:
            continue
        role = next((r for r in clients if not roles or r in roles), None)
        if role is None:
            continue
        path = re.sub(r"<int:\w+>", str(2 ** 64 + 1), rule.rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        answers[rule.endpoint] = clients[role].post(path, data={}).status_code
    assert len(answers) >= 10, answers
    assert {e: s for e, s in answers.items() if s >= 500} == {}


def test_a_nul_character_is_refused_in_forms_queries_and_json_before_any_route_runs(client, database):
    # PostgreSQL text cannot hold U+0000: the fuzzer found a category name "\x00" failing in the INSERT (a 500).
    add_user(database, "sv", "supervisor")
    assert login(client, "sv").status_code == 302
    page = client.get("/faq/categories").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    refused = client.post("/faq/categories", data={"csrf_token": token, "name": "相続\x00"})
    assert refused.status_code == 400 and "NUL 文字" in refused.get_data(as_text=True)
    assert client.get("/tasks?q=a%00b").status_code == 400
    api = client.post("/api/v1/navi/evaluate", json={"answers": {"spouse": "\u0000"}})
    assert api.status_code == 400 and "NUL 文字" in api.get_json()["error"]["message"]
    assert client.post("/faq/categories", data={"csrf_token": token, "name": "相続"}).status_code < 400
