"""A small HTTP client for benchmarks run from several threads: each request on a new connection, as the reverse
proxy in front of the app sends them (an idle keep-alive connection the server closes is no error of the app), JSON
in and out, a bearer token per call, every call timed under its operation's name and anything unexpected
counted as an error (kept with its status and the first part of its answer; the API's errors carry no personal
data)."""
from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlsplit


class CallFailed(Exception):
    pass


class TimedHttp:
    def __init__(self):
        self._lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def call(self, operation: str, base: str, method: str, path: str, token: str | None = None,
             body: dict | None = None, expect: tuple[int, ...] = (200, 201, 202), source: str | None = None):
        """The answer's JSON; CallFailed (and one error counted) on any other status or a lost connection."""
        headers = {"Accept": "application/json", "Connection": "close"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300,
                                                source_address=(source, 0) if source else None)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._failed(operation, f"{type(exc).__name__}")
            raise CallFailed(operation) from exc
        finally:
            connection.close()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status not in expect:
            self._failed(operation, f"HTTP {response.status} {raw[:300].decode('utf-8', 'replace')}")
            raise CallFailed(operation)
        with self._lock:
            self.timings[operation].append(elapsed)
        return json.loads(raw) if raw and response.getheader("Content-Type", "").startswith("application/json") \
            else None

    def timed(self, operation: str, seconds: float) -> None:
        """A step timed by the caller (a command, a wait) recorded under `operation`."""
        with self._lock:
            self.timings[operation].append(seconds * 1000)

    def _failed(self, operation: str, what: str) -> None:
        with self._lock:
            self.errors.append(f"{operation}: {what}")

    def percentiles(self) -> dict[str, tuple[int, float, float]]:
        """Per operation: (count, p50 ms, p95 ms)."""
        found = {}
        for operation, values in sorted(self.timings.items()):
            ordered = sorted(values)
            found[operation] = (len(ordered), statistics.median(ordered),
                                ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))])
        return found
