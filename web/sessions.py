"""Flask's session kept on the server (processes/staff/sessions.py): the cookie holds only a random token.

The session dictionary (CSRF token, flashed messages, Flask-Login's keys) is stored encrypted in the session's
row. Static files and the JSON API (bearer tokens) never open a session. A session whose limit has passed comes
back empty with `ended_reason` set, so that the login page can say why the person was signed out.
"""
from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from processes.staff import sessions as staff_sessions
from web.identity import StaffUser

SESSIONLESS_PREFIXES = ("/static/", "/api/")
_serializer = TaggedJSONSerializer()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, data: dict | None = None, *, token: str | None = None, user: StaffUser | None = None,
                 second_factor_pending: bool = False, needs_touch: bool = False, ended_reason: str | None = None,
                 stored: bool = True):
        def on_update(this):
            this.modified = True
            this.accessed = True

        super().__init__(data, on_update)
        self.token = token
        self.sent_token = token
        self.user = user
        self.second_factor_pending = second_factor_pending
        self.needs_touch = needs_touch
        self.ended_reason = ended_reason
        self.stored = stored
        self.modified = False
        self.accessed = False

    @property
    def new(self) -> bool:
        return self.token is None

    @property
    def signed_in_user(self) -> StaffUser | None:
        return None if self.second_factor_pending else self.user

    def start(self, user: StaffUser, *, second_factor_pending: bool) -> None:
        """After a sign-in step: empty data and a new token (the caller revoked the old one), so that a token seen
        before sign-in is worth nothing after it."""
        self.clear()
        self.token, self.user, self.second_factor_pending = None, user, second_factor_pending
        self.modified = True

    def end(self) -> None:
        """After logout (the caller revoked the row): what is written afterwards (a flash) goes to a new session."""
        self.clear()
        self.token, self.user, self.second_factor_pending = None, None, False
        self.modified = False


class ServerSessionInterface(SessionInterface):
    def _database(self, app: Flask):
        return app.extensions["okuyami"].database

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if request.path.startswith(SESSIONLESS_PREFIXES):
            return ServerSession(stored=False)
        token = request.cookies.get(self.get_cookie_name(app))
        if not token:
            return ServerSession()
        database = self._database(app)
        with database.transaction(write=False) as s:
            found = staff_sessions.load(s, token)
            if isinstance(found, staff_sessions.LiveSession):
                return ServerSession(
                    _serializer.loads(found.row.data.decode("utf-8")), token=token,
                    user=StaffUser.from_row(found.user) if found.user is not None else None,
                    second_factor_pending=found.row.second_factor_pending,
                    needs_touch=staff_sessions.needs_touch(found.row))
        session = ServerSession()
        session.sent_token = token  # unknown or ended: the cookie is deleted when the response goes out
        if isinstance(found, staff_sessions.EndedSession):
            with database.transaction() as s:
                staff_sessions.revoke_ended(s, found)
            session.ended_reason = found.reason
        return session

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if not session.stored:
            return
        if session.token is None and (session or session.user is not None):
            data = _serializer.dumps(dict(session)).encode("utf-8")
            user = session.user
            with self._database(app).transaction() as s:
                session.token = staff_sessions.create(s, data, user.user_id if user else None,
                                                      session.second_factor_pending)
        elif session.token is not None and (session.modified or session.needs_touch):
            data = _serializer.dumps(dict(session)).encode("utf-8") if session.modified else None
            with self._database(app).transaction() as s:
                if not staff_sessions.save(s, session.token, data):
                    session.token = None  # ended by another request meanwhile (logout in another tab)
        if session.token == session.sent_token:
            return
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        secure = self.get_cookie_secure(app) or request.is_secure
        if session.token is None:
            response.delete_cookie(name, domain=domain, path=path, secure=secure,
                                   httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))
            return
        # No Expires: the cookie dies with the browser; the server enforces the idle and absolute limits.
        response.set_cookie(name, session.token, domain=domain, path=path, secure=secure,
                            httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")


def init_app(app: Flask) -> None:
    app.session_interface = ServerSessionInterface()
