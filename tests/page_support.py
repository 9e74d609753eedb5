"""Helpers for tests of the booking, case and visit pages: signed-in browsers (Flask test clients) for the
accounts of tests/api_support.USERS, on the app with the real case process (api_app)."""
from __future__ import annotations

import re

import pytest

from engine.db.models import User
from tests.api_support import USERS
from tests.web_support import add_user, login


class Browsers(dict):
    """A signed-in test client per account name, created on first use."""

    def __init__(self, app, database):
        super().__init__()
        self.app, self.database = app, database

    def __missing__(self, name):
        with self.database.transaction(write=False) as session:
            exists = session.query(User.id).filter_by(username=name).first() is not None
        if not exists:
            role, ward, department = USERS[name]
            add_user(self.database, name, role, ward=ward, department=department)
        client = self.app.test_client()
        assert login(client, name).status_code == 302
        self[name] = client
        return client


@pytest.fixture
def browsers(api_app, database):
    return Browsers(api_app, database)


def page_csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def new_case(app, channel: str = "booking", actor: str = "op", **changes) -> int:
    """A case created as the booking (or walk-in) screen creates it; returns its id."""
    from processes.okuyami.booking import create_case
    from tests.api_support import walk_in
    from tests.case_support import reservation

    platform = app.extensions["okuyami"]
    body = reservation(**changes) if channel == "booking" else walk_in(**changes)
    with platform.database.transaction() as session:
        return create_case(session, platform.runtime, platform.settings.forms_dir, channel, actor, body).id
