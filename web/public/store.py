"""The export directory as the public application reads it: each part's JSON, loaded once and again whenever
`okuyami public export` replaced the file (checked by its modification time, at most once a second)."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path


class ExportDirectory:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._parts: dict[str, tuple[float, object]] = {}
        self._checked: dict[str, float] = {}
        self._lock = threading.Lock()

    def part(self, name: str, build):
        """`build(data)` turned into what a blueprint serves from (cached until the file changes)."""
        now = time.monotonic()
        cached = self._parts.get(name)
        if cached is not None and now - self._checked.get(name, 0) < 1:
            return cached[1]
        path = self.root / f"{name}.json"
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            mtime = -1.0
        with self._lock:
            self._checked[name] = now
            cached = self._parts.get(name)
            if cached is not None and cached[0] == mtime:
                return cached[1]
            data = json.loads(path.read_text(encoding="utf-8")) if mtime >= 0 else {}
            value = build(data)
            self._parts[name] = (mtime, value)
            return value
