"""HTML kept per process under the values it was rendered from: a bounded, thread-safe LRU (gunicorn's threads
share it). A key holds everything the HTML shows, so an entry is never stale, only evicted."""
from __future__ import annotations

import threading
from collections import OrderedDict


class KeptHtml:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def keep(self, key: tuple, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
