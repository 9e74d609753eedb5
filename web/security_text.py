"""No NUL character in what a request carries (issue #13, 3): PostgreSQL text columns cannot hold U+0000, so a form
field, a query parameter or a JSON string with one would fail in the database (a 500) after the checks of the
route had passed. It is refused once, for every route, before any of them runs: 400 with the reason in Japanese.
No person types a NUL; only a program sends one."""
from __future__ import annotations

from flask import Flask, request

from engine.errors import OkuyamiError

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NulCharacter(OkuyamiError):
    user_message = "送信された内容に使えない文字（NUL 文字、U+0000）が含まれています。文字として入力できる内容だけを送ってください。"


def _carries_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_carries_nul(k) or _carries_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_carries_nul(v) for v in value)
    return False


def refuse_nul_characters() -> None:
    pairs = list(request.args.items(multi=True))
    if request.mimetype in FORM_TYPES:
        pairs += request.form.items(multi=True)
    if any(NUL in key or NUL in value for key, value in pairs):
        raise NulCharacter(f"NUL character in the form or query of {request.method} {request.path}")
    if request.is_json and request.content_length and _carries_nul(request.get_json(silent=True)):
        raise NulCharacter(f"NUL character in the JSON body of {request.method} {request.path}")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
