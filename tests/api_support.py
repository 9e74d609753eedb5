"""Fixtures and helpers for the JSON API tests: an app with the real case process, forms and catalogue."""
from __future__ import annotations

import uuid

import pytest

from engine import accounts
from engine.settings import load_settings
from processes.platform import Platform
from tests.case_support import VISIT, reservation  # noqa: F401 - re-exported for the API tests
from tests.web_support import add_user

USERS = {  # username: (role, ward, department)
    "op": ("operator", None, None), "sv": ("supervisor", None, None),
    "counter_naka": ("counter", "nakahara", None), "counter_tama": ("counter", "tama", None),
    "kumin_naka": ("dept_staff", "nakahara", "kumin"), "hoken_naka": ("dept_staff", "nakahara", "hoken_nenkin"),
    "kumin_tama": ("dept_staff", "tama", "kumin"), "po": ("process_owner", None, None),
    "admin": ("admin", None, None), "auditor": ("auditor", None, None),
}


@pytest.fixture
def api_app(tmp_path, database, data_key, case_runtime):
    folder = tmp_path / "api-instance"
    folder.mkdir()
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "test-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    settings = load_settings(folder, environ={})
    from web import create_app

    app = create_app(platform=Platform(settings, database, case_runtime.registry, case_runtime))
    app.config.update(TESTING=True)
    return app


class Tokens(dict):
    """Accounts and their bearer tokens, created on first use (password hashing is slow on purpose)."""

    def __init__(self, database):
        super().__init__()
        self.database = database

    def __missing__(self, name):
        role, ward, department = USERS[name]
        add_user(self.database, name, role, ward=ward, department=department)
        with self.database.transaction() as session:
            self[name] = accounts.issue_token(session, name)
        return self[name]


@pytest.fixture
def tokens(database):
    return Tokens(database)


@pytest.fixture
def api(api_app, tokens):
    return Api(api_app.test_client(), tokens)


class Api:
    def __init__(self, client, tokens):
        self.client, self.tokens = client, tokens

    def _headers(self, user):
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}

    def get(self, path, user, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self._headers(user), **kwargs)

    def post(self, path, user, json=None, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self._headers(user), json=json, **kwargs)


def walk_in(**changes) -> dict:
    body = reservation(**changes)
    body.pop("slot_start", None)
    return body


def fields(response) -> set[str]:
    return {e["field"] for e in response.get_json()["errors"]}
