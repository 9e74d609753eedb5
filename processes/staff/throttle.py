"""Sign-in throttling per client address and account together (issue #13, 9).

Wrong passwords from one address for one account earn growing delays for that pair only (a few tries free, then
5 s, 10 s, 20 s, ... up to 15 minutes): the person at their own desk can still sign in while someone elsewhere is
being slowed down. The account itself is locked (engine.accounts, LOCKOUT) only when guesses at it come from many
addresses within an hour, which no single address can cause.
"""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import accounts, crypto
from engine.db.models import User
from engine.db.types import utcnow
from engine.runtime import audit
from processes.staff.models import LoginThrottle

FREE_TRIES = 3
FIRST_DELAY = timedelta(seconds=5)
LONGEST_DELAY = timedelta(minutes=15)
SPREAD_WINDOW = timedelta(hours=1)
SPREAD_ADDRESSES = 5
"""Addresses failing at one account within SPREAD_WINDOW that lock the account itself."""


def _hashes(address: str, username: str) -> tuple[str, str]:
    ring = crypto.keyring()
    name = username.strip().lower()
    return ring.blind_index(f"login-pair\n{address}\n{name}"), ring.blind_index(f"login-account\n{name}")


def _row(session: Session, address: str, username: str) -> LoginThrottle | None:
    pair, _ = _hashes(address, username)
    return session.scalar(select(LoginThrottle).where(LoginThrottle.pair_hash == pair))


def delay_after(failures: int) -> timedelta:
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_TRIES), LONGEST_DELAY)


def wait_seconds(session: Session, address: str, username: str) -> int:
    """How long this address must wait before trying this account again (0: it may try now)."""
    row = _row(session, address, username)
    if row is None or row.blocked_until is None:
        return 0
    return max(0, math.ceil((row.blocked_until - utcnow()).total_seconds()))


def record_failure(session: Session, address: str, username: str) -> int:
    """One wrong password from `address` for `username`; returns the seconds to wait before the next try."""
    now = utcnow()
    pair, account = _hashes(address, username)
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.pair_hash == pair))
    if row is None:
        row = LoginThrottle(pair_hash=pair, account_hash=account, failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    delay = delay_after(row.failures)
    row.blocked_until = now + delay if delay else None
    session.flush()
    _lock_if_spread(session, account, username, now)
    return math.ceil(delay.total_seconds())


def _lock_if_spread(session: Session, account: str, username: str, now) -> None:
    addresses = session.scalar(select(func.count()).select_from(LoginThrottle).where(
        LoginThrottle.account_hash == account, LoginThrottle.last_failure_at >= now - SPREAD_WINDOW))
    if addresses < SPREAD_ADDRESSES:
        return
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or accounts.is_locked(user):
        return
    user.locked_until, user.failed_logins = now + accounts.LOCKOUT, 0
    audit.record(session, "system", "user.locked", detail={"user_id": user.id, "spread_addresses": addresses})


def clear(session: Session, address: str, username: str) -> None:
    """A successful sign-in from `address`: its delays for this account start again."""
    row = _row(session, address, username)
    if row is not None:
        session.delete(row)


def wait_message(seconds: int) -> str:
    """「あと N 秒」or「あと N 分」: how long to wait, in Japanese."""
    if seconds < 60:
        amount = f"{seconds}秒"
    else:
        amount = f"{math.ceil(seconds / 60)}分"
    return f"ログインの失敗が続いたため、この端末からのログインを一時的に止めています。あと{amount}待ってから、もう一度お試しください。"
