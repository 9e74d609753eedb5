"""What the Content-Security-Policy promises, checked on HTML: the inline code it would block, and the security
headers every response must carry. Used by test_security_headers.py (templates) and test_web_access_matrix.py
(every route's rendered page)."""
from __future__ import annotations

import re

from web.security import CSP

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
_INLINE_HANDLER = re.compile(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
_STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)


def inline_code(html: str) -> list[str]:
    """What the CSP (script-src 'self'; style-src 'self') would block in this HTML or template."""
    problems = []
    for attributes, body in SCRIPT_TAG.findall(html):
        if "src=" not in attributes:
            problems.append("a <script> without src")
        elif body.strip():
            problems.append("a <script src> with inline code")
    if re.search(r"<style\b", html, re.I):
        problems.append("a <style> block")
    text = _JINJA.sub("X", html)
    for tag in _TAG.findall(text):
        if _INLINE_HANDLER.search(tag):
            problems.append(f"an inline event handler in {tag[:80]}")
        if _STYLE_ATTRIBUTE.search(tag):
            problems.append(f"a style attribute in {tag[:80]}")
    if re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", text, re.I):
        problems.append("a javascript: URL")
    return problems


def security_header_problems(response) -> list[str]:
    headers = response.headers
    expected = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin"}
    problems = [f"{name}: {headers.get(name)!r}" for name, value in expected.items() if headers.get(name) != value]
    if headers.get("Cache-Control") != "no-store":
        problems.append(f"Cache-Control: {headers.get('Cache-Control')!r}")
    return problems
