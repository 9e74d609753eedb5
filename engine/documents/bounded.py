"""Form templates render in a bounded process: a process owner's template can loop (six nested `{% for %}` over
the procedures) or build (`{{ deceased.name * 100000000 }}`) without holding the web request or the packet worker.

Each rendering goes to a small pool of worker processes (engine/documents/render_worker.py, reused like the
sandbox's) under RLIMIT_AS and RLIMIT_CPU; the caller waits at most RENDER_SECONDS plus a grace period, and a
document larger than MAX_OUTPUT_BYTES is refused. Every refusal is a TemplateRejected with a Japanese reason, so
the upload page shows it and the packet job records it on that case's packet.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from ..errors import ConfigurationError
from ..sandbox.isolation import GRACE_SECONDS, EvaluationPool
from .errors import TemplateRejected

RENDER_SECONDS = 10.0
"""The time bound of one rendering: the setting template_seconds (OKUYAMI_TEMPLATE_SECONDS), set by configure()."""
RENDER_MEMORY_MEGABYTES = 256
MAX_OUTPUT_BYTES = 20 * 1024 * 1024

_pools: dict[int, EvaluationPool] = {}
_lock = threading.Lock()


def _pool() -> EvaluationPool:
    with _lock:
        pool = _pools.get(os.getpid())
        if pool is None:
            pool = _pools[os.getpid()] = EvaluationPool(RENDER_MEMORY_MEGABYTES, size=2,
                                                        module="engine.documents.render_worker")
        return pool


def configure(seconds: float) -> None:
    """Set the time bound from the settings (processes/platform.py build_platform); a bound must be positive."""
    global RENDER_SECONDS
    if not seconds > 0:
        raise ConfigurationError(f"template_seconds (OKUYAMI_TEMPLATE_SECONDS) must be positive, not {seconds!r}",
                                 user_message="template_seconds（様式テンプレートの差し込みの制限時間、秒）は正の数にしてください。")
    RENDER_SECONDS = float(seconds)


def render_bounded(template: bytes, context: Mapping, seconds: float | None = None) -> bytes:
    seconds = RENDER_SECONDS if seconds is None else seconds
    answer = _pool().call((template, dict(context), seconds, MAX_OUTPUT_BYTES), seconds + GRACE_SECONDS)
    if answer is None or answer[0] == "died":
        raise TemplateRejected(f"template rendering exceeded {seconds:g} s", [
            f"テンプレートの差し込みが {seconds:g} 秒以内に終わりませんでした（繰り返し（for）の入れ子が深すぎないか確認してください）。"])
    if answer[0] == "ok":
        return answer[1]
    if answer[0] == "rejected":
        raise TemplateRejected(answer[1], answer[2])
    if answer[0] == "error":
        raise TemplateRejected(f"template rendering failed: {answer[2]}: {answer[3]}", [
            "テンプレートの差し込み中にエラーが発生しました（差し込み記述の計算や比較を確認してください）。"])
    if answer[0] == "too_large":
        raise TemplateRejected(f"rendered document of {answer[1]} bytes", [
            f"差し込み後の文書が大きすぎます（上限 {MAX_OUTPUT_BYTES // 1024 // 1024} MB）。繰り返しの回数を確認してください。"])
    raise TemplateRejected("template rendering exceeded its memory bound", [
        f"テンプレートの差し込みに必要なメモリが上限（{RENDER_MEMORY_MEGABYTES} MB）を超えました。繰り返しの回数を確認してください。"])


def close() -> None:
    with _lock:
        pool = _pools.pop(os.getpid(), None)
    if pool is not None:
        pool.close()
