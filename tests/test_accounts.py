"""Accounts: argon2 password hashes, lockout after repeated failures, bearer tokens stored only as SHA-256."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select, text

from engine import accounts
from engine.accounts import (
    DuplicateUser,
    authenticate,
    create_user,
    issue_token,
    user_for_token,
)
from engine.db.models import AuditEntry
from engine.errors import InvalidTaskData, NotFound

PASSWORD = "correct horse battery"
T0 = datetime(2025, 4, 1, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(database):
    with database.transaction() as s:
        create_user(s, "tanaka", "operator", PASSWORD, display_name="田中", ward="nakahara")
    return database


def login(database, password, username="tanaka"):
    with database.transaction() as s:
        user = authenticate(s, username, password)
        return user.username if user is not None else None


def column_values(database, table) -> str:
    with database.engine.connect() as c:
        return " ".join(str(tuple(r)) for r in c.execute(text(f"SELECT * FROM {table}")))


def test_the_password_is_stored_only_as_an_argon2_hash(db):
    with db.transaction() as s:
        user = accounts.get_user(s, "tanaka")
        assert (user.display_name, user.role, user.ward, user.active) == ("田中", "operator", "nakahara", True)
        assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash
        [created] = s.scalars(select(AuditEntry).where(AuditEntry.action == "user.created")).all()
        assert created.detail["user_id"] == user.id
    assert PASSWORD not in column_values(db, "users") + column_values(db, "audit_log")


@pytest.mark.parametrize("username, password, accepted", [
    ("tanaka", PASSWORD, True),
    ("tanaka", PASSWORD + " ", False),
    ("tanaka", "", False),
    ("suzuki", PASSWORD, False),
])
def test_authenticate(db, username, password, accepted):
    assert login(db, password, username) == ("tanaka" if accepted else None)


def test_five_failures_lock_the_account_for_fifteen_minutes(db):
    with time_machine.travel(T0, tick=False):
        for _ in range(accounts.MAX_FAILED_LOGINS):
            assert login(db, "wrong password") is None
        assert login(db, PASSWORD) is None  # locked: even the right password is refused
    with time_machine.travel(T0 + timedelta(minutes=14, seconds=59), tick=False):
        assert login(db, PASSWORD) is None
    with time_machine.travel(T0 + timedelta(minutes=15, seconds=1), tick=False):
        assert login(db, PASSWORD) == "tanaka"
        assert login(db, "wrong password") is None  # the counter started again: one failure does not re-lock
        assert login(db, PASSWORD) == "tanaka"
    with db.transaction() as s:
        assert [e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "user.locked"))] == [
            {"user_id": accounts.get_user(s, "tanaka").id}]


def test_a_successful_login_resets_the_failure_count(db):
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        login(db, "wrong password")
    assert login(db, PASSWORD) == "tanaka"
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        login(db, "wrong password")
    assert login(db, PASSWORD) == "tanaka"


def test_a_token_is_stored_only_as_its_sha256(db):
    with db.transaction() as s:
        token = issue_token(s, "tanaka")
    assert len(token) >= 32
    assert token not in column_values(db, "users") + column_values(db, "audit_log")
    assert hashlib.sha256(token.encode()).hexdigest() in column_values(db, "users")
    with db.transaction() as s:
        assert user_for_token(s, token).username == "tanaka"
        for wrong in ("", token[:-1], hashlib.sha256(token.encode()).hexdigest()):
            assert user_for_token(s, wrong) is None


def test_a_new_token_replaces_the_old_one(db):
    with db.transaction() as s:
        old = issue_token(s, "tanaka")
    with db.transaction() as s:
        new = issue_token(s, "tanaka")
    assert new != old
    with db.transaction() as s:
        assert user_for_token(s, old) is None
        assert user_for_token(s, new).username == "tanaka"


def test_a_deactivated_account_can_neither_log_in_nor_use_its_token(db):
    with db.transaction() as s:
        token = issue_token(s, "tanaka")
        accounts.get_user(s, "tanaka").active = False
    assert login(db, PASSWORD) is None
    with db.transaction() as s:
        assert user_for_token(s, token) is None


def test_refused_accounts(db):
    cases = [
        (lambda s: create_user(s, "tanaka", "counter", "another password"), DuplicateUser),
        (lambda s: create_user(s, "sato", "operator", "x" * (accounts.MIN_PASSWORD_LENGTH - 1)), InvalidTaskData),
        (lambda s: issue_token(s, "nobody"), NotFound),
    ]
    for call, error in cases:
        with pytest.raises(error):
            with db.transaction() as s:
                call(s)
    with db.transaction() as s:
        assert accounts.get_user(s, "tanaka").role == "operator"
        with pytest.raises(NotFound):
            accounts.get_user(s, "sato")


def test_a_right_password_before_a_second_factor_keeps_the_failure_count(db):
    """The count starts again only when the whole sign-in succeeds: with the password known, an attacker must not
    reset it between guesses of the TOTP code."""
    for _ in range(accounts.MAX_FAILED_LOGINS - 1):
        login(db, "wrong password")
    with db.transaction() as s:
        user = accounts.check_password(s, "tanaka", PASSWORD)
        assert user is not None and user.failed_logins == accounts.MAX_FAILED_LOGINS - 1
        assert accounts.record_failed_login(s, user) is True          # the fifth failure, from the code step
        assert accounts.is_locked(user)
    assert login(db, PASSWORD) is None
