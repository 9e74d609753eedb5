"""Abuse limits of the public side's forms: a sliding window of submissions per address and purpose, and a simple
human check that needs no third-party service and no cookie (a question whose answer is in the page).

The window is shared by every process serving the same data directory (the public side runs several): a small
SQLite file in its inbox folder holds, per submission, the purpose, a keyed hash of the address (never the address)
and the moment; what has left the window is deleted at each submission, so nothing about anyone is kept for more
than an hour. If that file cannot be used (a full disk, a lock held too long), the submission is let through and
the failure logged: the limit slows a flood down, it is not what keeps the data safe."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from flask import current_app, request

log = logging.getLogger(__name__)
WINDOW_SECONDS = 3600
LIMITS = {"booking": 5, "inquiry": 5, "survey": 30, "tablet": 600}
WINDOW_FILE = ".submission-window.sqlite"
_opened: set[Path] = set()
_opened_lock = threading.Lock()


def _connect(path: Path) -> sqlite3.Connection:
    """The window's file, its table made the first time this process uses it (or again if it was deleted)."""
    new_file = not path.exists()
    connection = sqlite3.connect(path, timeout=5, isolation_level=None)
    with _opened_lock:
        first_use = new_file or path not in _opened
        _opened.add(path)
    if first_use:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS submissions (purpose TEXT NOT NULL, address TEXT NOT NULL, "
                           "at REAL NOT NULL)")
        connection.execute("CREATE INDEX IF NOT EXISTS submissions_by_address ON submissions (purpose, address)")
        connection.execute("CREATE INDEX IF NOT EXISTS submissions_by_moment ON submissions (at)")
    return connection


def _window_file() -> Path:
    folder = current_app.extensions["public_export"].root / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / WINDOW_FILE


def allow(purpose: str, now: float | None = None) -> bool:
    """True when the address may submit once more for this purpose in the window (and counts it)."""
    now = time.time() if now is None else now
    address = hmac.new(_secret(), (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:32]
    try:
        connection = _connect(_window_file())
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("DELETE FROM submissions WHERE at <= ?", (now - WINDOW_SECONDS,))
            (count,) = connection.execute("SELECT count(*) FROM submissions WHERE purpose = ? AND address = ?",
                                          (purpose, address)).fetchone()
            if count < LIMITS[purpose]:
                connection.execute("INSERT INTO submissions (purpose, address, at) VALUES (?, ?, ?)",
                                   (purpose, address, now))
            connection.execute("COMMIT")
        finally:
            connection.close()
    except sqlite3.Error as exc:
        log.warning("submission window unavailable, %s submission let through: %s", purpose, exc)
        return True
    return count < LIMITS[purpose]


def reset() -> None:
    """Empty the window of every data directory this process has used (tests start each from nothing)."""
    with _opened_lock:
        paths = list(_opened)
    for path in paths:
        if path.exists():
            connection = sqlite3.connect(path, timeout=5, isolation_level=None)
            try:
                connection.execute("DELETE FROM submissions")
            finally:
                connection.close()


# -------------------------------------------------------------------------------------------------- the human check
_NUMERALS = ["ゼロ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう"]


def challenge() -> dict:
    """A sum in words (「さん たす よん は？」) and a signed token of its answer; nothing is stored."""
    a, b = (int.from_bytes(os.urandom(1), "big") % 9 + 1 for _ in range(2))
    stamp = str(int(time.time()))
    return {"question": f"{_NUMERALS[a]} たす {_NUMERALS[b]} は いくつですか（数字で）",
            "token": f"{stamp}.{_mac(stamp, a + b)}"}


def _secret() -> bytes:
    """One key for every process serving this data directory (made once, kept in the inbox folder)."""
    found = current_app.extensions.get("public_check_key")
    if found is None:
        path = current_app.extensions["public_export"].root / "inbox" / ".check-key"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(os.urandom(32))
        except FileExistsError:
            pass
        for _ in range(50):
            found = path.read_bytes()
            if len(found) == 32:
                break
            time.sleep(0.01)
        current_app.extensions["public_check_key"] = found
    return found


def _mac(stamp: str, answer: int) -> str:
    return hmac.new(_secret(), f"{stamp}|{answer}".encode(), hashlib.sha256).hexdigest()[:32]


def passed(token: str | None, answer: str | None, max_age: int = 3600) -> bool:
    if not token or "." not in token or answer is None:
        return False
    stamp, mac = token.split(".", 1)
    answer = answer.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not stamp.isdigit() or not answer.isdigit() or time.time() - int(stamp) > max_age:
        return False
    return hmac.compare_digest(mac, _mac(stamp, int(answer)))
