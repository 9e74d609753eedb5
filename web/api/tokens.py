"""Bearer tokens of the JSON API (`okuyami users token NAME`): the decorator every authenticated endpoint wears.

Each app process keeps who each token stood for when last seen, so a request needs no transaction of its own to
look its token up: the first statement of the request's first transaction checks that the token still stands for
the same active user. A token reissued or a user deactivated or changed, by any process, shows there; the
transaction rolls back, nothing of the request has been committed, and the request starts again with the token
looked up anew (401 if it no longer stands for anyone). A request that opens no transaction is checked after its
view, before its answer leaves."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from engine import accounts
from web.extensions import platform
from web.identity import StaffUser

_KNOWN_MAX = 4096
_known: dict[str, accounts.TokenHolder] = {}   # token digest -> its holder when last checked (this process)


class _HolderChanged(BaseException):
    """The token no longer stands for the holder the request started with. A BaseException, so that no handler
    of the view's own (`except Exception`) takes it for an error of its work."""


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized()
        digest = accounts.token_digest(token.strip())
        known = _known.get(digest)
        if known is not None:
            try:
                return _run_checked(view, digest, known, args, kwargs)
            except _HolderChanged:
                _known.pop(digest, None)
        holder = _look_up(digest)
        if holder is None:
            return _unauthorized()
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        _known[digest] = holder
        g.api_user = StaffUser.from_row(holder)
        return view(*args, **kwargs)
    return wrapper


def _run_checked(view, digest: str, known: accounts.TokenHolder, args, kwargs):
    """The view as `known`, its first transaction checking that the token still stands for `known`."""
    database = platform().database
    checked = []

    def check(session):
        checked.append(True)
        if accounts.token_holder(session, digest) != known:
            raise _HolderChanged()

    g.api_user = StaffUser.from_row(known)
    try:
        with database.checking_first_transaction(check):
            answer = view(*args, **kwargs)
    except Exception:
        if not checked and _look_up(digest) != known:
            raise _HolderChanged() from None
        raise
    if not checked and _look_up(digest) != known:
        raise _HolderChanged()
    return answer


def _look_up(digest: str) -> accounts.TokenHolder | None:
    with platform().database.transaction(write=False) as session:
        return accounts.token_holder(session, digest)


def _unauthorized():
    response = jsonify({"error": {"status": 401, "message": "有効なアクセストークンが必要です。"}})
    response.headers["WWW-Authenticate"] = 'Bearer realm="okuyami"'
    return response, 401
