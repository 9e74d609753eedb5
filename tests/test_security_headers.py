"""Security headers on every kind of response, and templates that keep the CSP's promise: no inline script, no
inline event handler, no inline style, scripts only from /static/. (The access matrix, test_web_access_matrix.py,
checks the headers and the rendered HTML of every route too.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.security_support import SCRIPT_TAG, inline_code, security_header_problems
from tests.web_support import add_user, login
from web.security import CSP, HSTS

WEB = Path(__file__).resolve().parent.parent / "web"
def _templates() -> list[Path]:
    """Every audience's templates (web/templates, web/staff/templates, web/studio/templates, ...)."""
    return sorted(t for t in WEB.rglob("*.html") if "templates" in t.relative_to(WEB).parts)


# Files, not pages: written by a command or downloaded as an attachment (never shown under the site's CSP) and
# opened from disk, so they carry their own style. They may still hold no script.
STANDALONE_FILES = {"reports/templates/reports/document.html"}


def test_no_template_has_inline_script_handler_or_style():
    templates = _templates()
    assert len(templates) >= 40
    found = {str(t.relative_to(WEB)): inline_code(t.read_text(encoding="utf-8")) for t in templates}
    assert {name: problems for name, problems in found.items() if problems and name not in STANDALONE_FILES} == {}
    assert STANDALONE_FILES <= set(found)
    assert all(problem == "a <style> block" for name in STANDALONE_FILES for problem in found[name])


@pytest.mark.parametrize("html, blocked", [
    ('<script>alert(1)</script>', True),
    ('<script src="/static/app.js"></script>', False),
    ('<button onclick="go()">', True),
    ('<a href="#" ONMOUSEOVER = "x">', True),
    ('<div hx-on:click="x">', True),
    ('<p style="color:red">', True),
    ('<style>p{}</style>', True),
    ('<a href="javascript:void(0)">', True),
    ('{% set onward = 1 %}<p class="{{ x }}">online = yes</p>', False),
])
def test_the_template_scan_tells_inline_code_from_harmless_text(html, blocked):
    assert bool(inline_code(html)) is blocked


def test_every_template_loads_scripts_only_from_static():
    for template in _templates():
        for attributes, _ in SCRIPT_TAG.findall(template.read_text(encoding="utf-8")):
            found = re.search(r'src="([^"]*)"', attributes) or re.search(r"src='([^']*)'", attributes)
            src = found.group(1)
            assert src.startswith("/static/") or "url_for('static'" in src or 'url_for("static"' in src, \
                (template.name, src)


def test_pages_errors_and_api_answers_carry_the_headers_and_are_never_cached(client, database):
    add_user(database, "sv", "supervisor")
    anonymous = [client.get("/login"), client.get("/no-such-page"), client.get("/api/v1/health"),
                 client.get("/api/v1/me")]
    login(client, "sv")
    signed_in = [client.get("/account/password"), client.get("/account/totp"), client.get("/no-such-page")]
    for response in anonymous + signed_in:
        assert security_header_problems(response) == [], response.request.path
    assert [r.status_code for r in anonymous] == [200, 404, 200, 401]
    for response in (anonymous[0], *signed_in):
        assert inline_code(response.get_data(as_text=True)) == []


def test_static_files_may_be_cached_but_keep_the_other_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CSP and response.headers["X-Frame-Options"] == "DENY"
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_and_a_secure_cookie_only_over_https(client, app):
    plain = client.get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    assert "Secure" not in plain.headers["Set-Cookie"]
    secure_client = app.test_client()
    secure = secure_client.get("/login", base_url="https://staff.example.lg.jp")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    cookie = secure.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_cannot_be_read_by_scripts_nor_sent_cross_site(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert cookie.startswith("okuyami_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie      # gone with the browser; the server times out
