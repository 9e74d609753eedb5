"""Packets made in the background: a scheduler job that finds every case waiting for its visit whose packet is
missing or stale (so it is ready before the family arrives), and on-demand requests from the visit screen, run by
one background thread per process so a page never waits for LibreOffice."""
from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from engine.db.session import Database
from engine.db.types import utcnow
from engine.documents.converter_pool import ConverterPool, shared_pool
from engine.documents.errors import ConverterUnavailable
from engine.runtime import WorkflowRuntime
from processes.documents.packets import build_packet, cases_waiting_for_visit, needs_packet, packet_view

log = logging.getLogger(__name__)
JOB_ID = "okuyami-print-packets"


def refresh_packets(database: Database, runtime: WorkflowRuntime, pool: ConverterPool | None = None,
                    public_url: str | None = None) -> int:
    """One pass: make every missing or stale packet of the cases waiting for their visit; returns how many."""
    pool = pool or shared_pool()
    made = 0
    now = utcnow()
    for case_id in cases_waiting_for_visit(database):
        try:
            if needs_packet(packet_view(database, runtime, case_id), now):
                made += build_packet(database, runtime, case_id, pool, public_url=public_url)
        except Exception:  # noqa: BLE001 - one broken case must not stop the others
            log.exception("checking the packet of case %s failed", case_id)
    return made


def _warm(pool: ConverterPool) -> None:
    try:
        pool.start()
    except ConverterUnavailable as exc:
        log.warning("print packets will hold .docx files only: %s", exc)
    except Exception:  # noqa: BLE001 - converters then start on first use
        log.exception("warming the LibreOffice converters failed")


def add_packet_job(scheduler, database: Database, runtime: WorkflowRuntime, interval_seconds: float = 30,
                   public_url: str | None = None) -> None:
    """Register the packet pass on an APScheduler scheduler (`okuyami worker`, the demo server) and warm the
    converter pool in the background."""
    pool = shared_pool()
    threading.Thread(target=_warm, args=(pool,), name="okuyami-converters-warmup", daemon=True).start()
    scheduler.add_job(refresh_packets, "interval", seconds=interval_seconds, args=[database, runtime, pool, public_url],
                      id=JOB_ID, max_instances=1, coalesce=True, next_run_time=utcnow(), misfire_grace_time=None)


class PacketRequests:
    """Make one case's packet in a background thread, once at a time per case."""

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="okuyami-packet")
        self._pending: set[int] = set()
        self._lock = threading.Lock()
        self.pool_factory = shared_pool

    def request(self, database: Database, runtime: WorkflowRuntime, case_id: int, public_url: str | None = None) -> bool:
        with self._lock:
            if case_id in self._pending:
                return False
            self._pending.add(case_id)
        self._executor.submit(self._run, database, runtime, case_id, public_url)
        return True

    def wait(self, timeout: float | None = None) -> None:
        """Until every request made so far has run (one thread, so a no-op queued now runs after them)."""
        self._executor.submit(lambda: None).result(timeout)

    def _run(self, database: Database, runtime: WorkflowRuntime, case_id: int, public_url: str | None) -> None:
        try:
            build_packet(database, runtime, case_id, self.pool_factory(), public_url=public_url)
        except Exception:  # noqa: BLE001 - logged; the visit screen shows the row's state
            log.exception("making the packet of case %s on request failed", case_id)
        finally:
            with self._lock:
                self._pending.discard(case_id)


requests = PacketRequests()
