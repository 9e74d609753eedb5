"""Issue #17's speed figures: the home navi's result page and the free-slot page of the public application
(`okuyami public serve`, 2 worker processes on one port), at 50 concurrent keep-alive clients, in requests per
second and p95 latency, beside a static file served by the same server in the same run.

    python -m bench.public [--quick]

The export comes from a fresh SQLite database with the repository's models deployed (the live selection DMN and
catalogue, the wards' free slots). The clients are 5 processes of 10 threads each on the same 2 cores as the
server, so the figures are a floor. Nothing is asserted: this is a report (targets: >= 1,000 req/s, p95 < 50 ms).
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.fixtures import free_port, wait_for_port
from bench.worklist import percentile
from engine import crypto
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.settings import PROJECT_ROOT, load_settings
from processes.calendar import today_jst
from processes.platform import check_rules
from processes.public.export import export

TARGET_RPS, TARGET_P95_MS = 1000.0, 50.0
CLIENTS, PROCESSES = 50, 5
NAVI_ANSWERS = [("ward", "nakahara"), ("a.household_head", "yes"), ("a.household_members_15plus_remaining", "2"),
                ("a.health_insurance", "kouki"), ("a.funeral_held", "yes"), ("a.cards", "seal_registration"),
                ("a.cards", "mynumber_card"), ("a.welfare_items", "none")]


def _client(port: int, path: str, seconds: float, threads: int, out) -> None:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def run() -> None:
        mine = []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"GET {path}: HTTP {response.status}")
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(latencies)


def load(port: int, path: str, seconds: float) -> tuple[float, float]:
    """(requests per second, p95 ms) of GET `path` from CLIENTS keep-alive connections in PROCESSES processes."""
    queue = multiprocessing.Queue()
    started = time.perf_counter()
    workers = [multiprocessing.Process(target=_client, args=(port, path, seconds, CLIENTS // PROCESSES, queue))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    latencies = [ms for _ in workers for ms in queue.get()]
    for worker in workers:
        worker.join()
    return len(latencies) / (time.perf_counter() - started), percentile(latencies, 0.95)


def exported(folder: Path) -> None:
    database = Database(f"sqlite:///{folder}/public.db")
    upgrade(database)
    registry = ModelRegistry(check_rules(load_settings(folder, environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="bench")
    with database.transaction() as session:
        export(session, folder / "public", today_jst())
    database.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per measurement instead of 10 s")
    seconds = 3.0 if parser.parse_args(argv).quick else 10.0
    crypto.configure([crypto.generate_key()])
    paths = {"static file (baseline)": "/static/public.css",
             "navi result /navi/result": "/navi/result?" + urlencode(NAVI_ANSWERS),
             "free slots /booking": "/booking?ward=nakahara"}
    with tempfile.TemporaryDirectory(prefix="okuyami-bench-public-") as tmp:
        exported(Path(tmp))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "web.public.serve", str(Path(tmp) / "public"), str(port), "2"],
                                  cwd=PROJECT_ROOT)
        try:
            wait_for_port(port)
            for path in paths.values():               # each worker loads the export on its first requests
                for _ in range(8):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    connection.request("GET", path)
                    connection.getresponse().read()
                    connection.close()
            figures = {label: load(port, path, seconds) for label, path in paths.items()}
        finally:
            server.terminate()
            server.wait(timeout=10)
    static_rps, static_p95 = figures["static file (baseline)"]
    print(f"Public application, 2 worker processes, {CLIENTS} keep-alive clients ({PROCESSES} processes), "
          f"{seconds:.0f} s each:")
    for label, (rps, p95) in figures.items():
        line = f"  {label:<26} {rps:8.1f} req/s  p95 {p95:6.1f} ms"
        if label != "static file (baseline)":
            verdict = "met" if rps >= TARGET_RPS and p95 < TARGET_P95_MS else "MISSED"
            line += (f" = {rps / static_rps:.2f}x the static file's req/s, {p95 / static_p95:.2f}x its p95; "
                     f"target >= {TARGET_RPS:.0f} req/s and p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
