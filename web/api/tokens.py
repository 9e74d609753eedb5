"""Bearer tokens of the JSON API (`okuyami users token NAME`): the decorator every authenticated endpoint wears."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from engine import accounts
from web.extensions import platform
from web.identity import StaffUser


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized()
        with platform().database.transaction(write=False) as session:
            user = accounts.user_for_token(session, token.strip())
            if user is None:
                return _unauthorized()
            g.api_user = StaffUser.from_row(user)
        return view(*args, **kwargs)
    return wrapper


def _unauthorized():
    response = jsonify({"error": {"status": 401, "message": "有効なアクセストークンが必要です。"}})
    response.headers["WWW-Authenticate"] = 'Bearer realm="okuyami"'
    return response, 401
