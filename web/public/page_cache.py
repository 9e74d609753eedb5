"""Rendered public pages by key: the public pages are the same for everyone (they hold nothing personal), so a
page asked for again costs a dictionary lookup. A key carries the export's part object, so a new export starts
new keys; the oldest pages go first when the cache is full."""
from __future__ import annotations

import threading
from collections import OrderedDict


class PageCache:
    def __init__(self, size: int):
        self.size, self.pages, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key, render):
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
        page = render()
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return page
