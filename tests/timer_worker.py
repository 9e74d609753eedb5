"""A worker process for tests/test_timers_two_workers.py: `python -m tests.timer_worker URL DATA_KEY BATCH`.

Prints "ready" once connected, waits for a line on standard input (so that two workers start their pass
together), runs one timer pass and prints how many timers it fired."""
from __future__ import annotations

import sys

from engine import crypto
from engine.db.session import Database
from engine.runtime import WorkflowRuntime
from engine.scheduler import fire_due_timers, worker_name
from tests.support import make_registry


def main(url: str, data_key: str, batch: str) -> None:
    crypto.configure([data_key])
    database = Database(url)
    runtime = WorkflowRuntime(database, make_registry())
    with database.transaction(write=False) as session:
        session.connection().exec_driver_sql("SELECT 1")
    print("ready", flush=True)
    sys.stdin.readline()
    fired = fire_due_timers(runtime, batch=int(batch), worker=worker_name())
    print(f"fired {fired}", flush=True)
    database.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])
