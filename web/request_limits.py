"""What a request may carry, checked once for every route: ids that fit the database, JSON that Python can read.

- `<int:...>` in a route accepts only ids a BIGINT column can hold (up to 2^63-1); a longer number answers 404
  like any other id that does not exist, instead of an overflow in the database driver.
- A JSON body nested deeper than Python's recursion limit (`"[" * 100000`) is a malformed body (400), not a
  RecursionError (500).
"""
from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

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


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered: a route binds its converter when it is added."""
    app.url_map.converters["int"] = DatabaseIdConverter
    ensure_ascii = app.json.ensure_ascii
    app.json = BoundedJSONProvider(app)
    app.json.ensure_ascii = ensure_ascii
