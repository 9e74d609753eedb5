"""What a request may carry, checked once for every route: ids that fit the database, JSON that Python can read.

- `<int:...>` in a route accepts only ids a BIGINT column can hold (up to 2^63-1); a longer number answers 404
  like any other id that does not exist, instead of an overflow in the database driver.
- A JSON body nested deeper than Python's recursion limit (`"[" * 100000`) is a malformed body (400), not a
  RecursionError (500).
- A NUL character in a form, a query or a JSON body is refused (400 in Japanese) before any route runs.
"""
from __future__ import annotations

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from engine.errors import OkuyamiError

LARGEST_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """Flask's int converter with the database's upper bound: a 20-digit id is "not found", not an overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max if max is not None else LARGEST_ID,
                         signed=signed)


class BoundedJSONProvider(DefaultJSONProvider):
    """json.loads raises RecursionError on deep nesting; Flask treats only ValueError as a malformed body."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


# No NUL character in what a request carries (issue #13, 3): PostgreSQL text cannot hold U+0000, so it would fail in
# the database (a 500) after the route's checks passed. Refused once, for every route, with the reason in Japanese.
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
    """Call before any blueprint is registered: a route binds its converter when it is added."""
    app.url_map.converters["int"] = DatabaseIdConverter
    ensure_ascii = app.json.ensure_ascii
    app.json = BoundedJSONProvider(app)
    app.json.ensure_ascii = ensure_ascii
    app.before_request(refuse_nul_characters)
