"""Helpers for tests that drive the web app like a browser would."""
from __future__ import annotations

import re

from engine import accounts

PASSWORD = "correct horse battery"


def add_user(database, username: str, role: str, ward: str | None = None, department: str | None = None) -> None:
    with database.transaction() as session:
        accounts.create_user(session, username, role, PASSWORD, ward=ward, department=department)


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})
