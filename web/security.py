"""Security of every response: headers (a CSP without inline script or style, no framing, no referrer leaving the
site, HSTS over HTTPS, no caching of anything but static files, since pages, API answers and downloads may hold
personal data) and server-side sessions (web/sessions.py) in place of Flask's signed-cookie sessions."""
from __future__ import annotations

from flask import Flask, Response, request

from web import sessions

# Style attributes: none of ours, only the four exact declarations the editors' libraries write as HTML (bpmn-js's
# properties panel: its two containers; dmn-js: the bpmn.io logo the licence requires), each allowed by its hash.
EDITOR_STYLE_ATTRIBUTES = {
    "height: 100%": "nR5hyLltSjfvi2rqC26RbcredWrJvTaPA1yqPX96jpY=",
    "flex: none; height: auto": "LIWyuNLBDBQuKJLr4mOx2cFEzHX9lM0BrbfcAAzCvSU=",
    "position: absolute; bottom: 15px; right: 15px; z-index: 100;": "r3vOsuepBDg6tz/cOusiNJ9Y4Lp9hGQTT7pzDks1Xxc=",
    "vertical-align:middle": "CA/eh4+2R0J7cEQ14gBMtx834RIOjzMUqCM+evtrkp4=",
}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       "style-src-attr 'unsafe-hashes' " + " ".join(f"'sha256-{h}'" for h in EDITOR_STYLE_ATTRIBUTES.values()) + "; "
       "img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
HSTS = "max-age=31536000; includeSubDomains"


EVERY_RESPONSE = (("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                  ("Referrer-Policy", "same-origin"),
                  ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
                  ("Cross-Origin-Opener-Policy", "same-origin"))
"""Set unless the view set its own. Werkzeug's setdefault looks a missing header up by raising and catching a
KeyError (an HTTP exception) each time: the names present are read once instead."""


def _headers(response: Response) -> Response:
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    for name, value in EVERY_RESPONSE:
        if name.lower() not in present:
            headers.add(name, value)
    if request.is_secure and "strict-transport-security" not in present:
        # Served over HTTPS (directly, or behind a proxy trusted to set X-Forwarded-Proto): browsers must not
        # fall back to plain HTTP for a year. Over plain HTTP the header would be ignored, so it is not sent.
        headers.add("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/"):
        # Pages, API answers and downloads (a print packet is a PDF full of names) stay out of every cache.
        headers["Cache-Control"] = "no-store"
        if "pragma" not in present:
            headers.add("Pragma", "no-cache")
    return response


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    app.after_request(_headers)
