"""Helpers for tests that drive the web app like a browser would.

Outside the demo (as in these tests) admins, process owners and supervisors need a second factor (issue #13, 10):
`add_user` enrols theirs as the person would (one code of the app), and `login` passes the code step after the
password, so that every test signs in as its people do. tests/test_totp.py tests the steps themselves."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp

from engine import accounts
from engine.db.types import utcnow
from processes.staff import totp
from processes.staff.models import StaffTotp

PASSWORD = "correct horse battery"


def add_user(database, username: str, role: str, ward: str | None = None, department: str | None = None) -> None:
    with database.transaction() as session:
        user = accounts.create_user(session, username, role, PASSWORD, ward=ward, department=department)
        if role in totp.TOTP_ROLES:
            enrolment = totp.start_enrolment(session, user)
            app = pyotp.TOTP(enrolment.secret)
            # the previous step's code (accepted for clock drift): the current and next steps stay free to sign in
            assert totp.confirm_enrolment(session, user, app.generate_otp(app.timecode(utcnow()) - 1))


def second_factor_code(database, username: str) -> str:
    """A code of the person's authenticator app that the sign-in will accept now. A test signs one person in more
    often than anyone can within a minute (and on a stopped clock): when the drift window's steps are used up, the
    replay mark is moved back first (tests/test_totp.py shows that a replay is refused)."""
    with database.transaction() as session:
        user = accounts.get_user(session, username)
        row = session.get(StaffTotp, user.id)
        app = pyotp.TOTP(row.secret.decode("ascii"))
        now = app.timecode(utcnow())
        if row.last_used_step is not None and row.last_used_step >= now + totp.ACCEPTED_DRIFT_STEPS:
            row.last_used_step = now - totp.ACCEPTED_DRIFT_STEPS - 1
        step = max(now - totp.ACCEPTED_DRIFT_STEPS, (row.last_used_step or now - 2) + 1)
        return app.generate_otp(step)


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, second_factor: bool = True):
    """Sign in; with a second factor the answer is that of the code step (its redirect to the person's page).
    second_factor=False stops after the password (the answer then redirects to the code step)."""
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})
    step = urlsplit(response.headers.get("Location", "")).path
    if second_factor and response.status_code == 302 and step == "/login/totp/enrol":
        enrol_at_sign_in(client, response.headers["Location"])     # an account made without add_user
        return response
    if not second_factor or response.status_code != 302 or step != "/login/totp":
        return response
    database = client.application.extensions["okuyami"].database
    return client.post(response.headers["Location"], data={
        "code": second_factor_code(database, username), "csrf_token": csrf_token(client, "/login/totp")})


def enrol_at_sign_in(client, path: str) -> list[str]:
    """What the person does on the enrolment step: read the secret off the page, type the app's code. Returns the
    recovery codes shown."""
    page = client.get(path).get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(path, data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return re.findall(r"<li><code>([A-Z0-9-]{19})</code></li>", answer.get_data(as_text=True))
