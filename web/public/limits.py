"""Abuse limits of the public side's forms: a sliding window of submissions per address and purpose (in memory,
per process: a flood from one address is slowed down without storing anything about anyone for long), and a
simple human check that needs no third-party service and no cookie (a question whose answer is in the page)."""
from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from collections import deque

from flask import current_app, request

WINDOW_SECONDS = 3600
LIMITS = {"booking": 5, "inquiry": 5, "survey": 30, "tablet": 600}
_lock = threading.Lock()
_seen: dict[tuple[str, str], deque] = {}
_MAX_KEYS = 50_000


def allow(purpose: str, now: float | None = None) -> bool:
    """True when the address may submit once more for this purpose in the window (and counts it)."""
    now = time.monotonic() if now is None else now
    key = (purpose, request.remote_addr or "")
    with _lock:
        if len(_seen) > _MAX_KEYS:
            _seen.clear()
        stamps = _seen.setdefault(key, deque())
        while stamps and now - stamps[0] > WINDOW_SECONDS:
            stamps.popleft()
        if len(stamps) >= LIMITS[purpose]:
            return False
        stamps.append(now)
        return True


def reset() -> None:
    with _lock:
        _seen.clear()


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
