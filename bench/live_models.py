"""The navi on the deployed models: what reading the live selection table and catalogue from the database costs.

    python -m bench.live_models [--quick]

Over a temporary SQLite database with the repository's models deployed, the same interview is evaluated
(a) by the selection table and catalogue held in memory, inside a read transaction that runs one trivial query
(the baseline: what any request pays), and (b) as the navi and the booking screen do it since the deployed models
are the live ones: the live DMN file and catalogue looked up in that transaction, parsed ones kept by content hash.
Printed: each per evaluation and (b) as a ratio of (a), measured in the same run. Nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import text

from engine import crypto
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.dmn import DecisionService
from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.settings import PROJECT_ROOT, load_settings
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.navi import evaluate_answers
from processes.okuyami.selection import SELECTION_FILE, select_procedures
from processes.platform import check_rules

ANSWERS = {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
           "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": ["KS01"]}


def per_call(function, repeat: int, rounds: int) -> float:
    """The median over `rounds` of the mean time of one call, in milliseconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            function()
        times.append((time.perf_counter() - start) / repeat * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer evaluations")
    options = parser.parse_args()
    repeat, rounds = (50, 3) if options.quick else (300, 5)
    crypto.configure([crypto.generate_key()])
    folder = Path(tempfile.mkdtemp(prefix="okuyami-bench-live-"))
    database = Database(f"sqlite:///{folder / 'bench.db'}")
    upgrade(database)
    registry = ModelRegistry(check_rules(load_settings(folder, environ={})))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="bench")
    table, catalogue = DecisionService.from_file(PROJECT_ROOT / "dmn" / SELECTION_FILE), load_catalogue()

    def in_memory():
        with database.transaction(write=False) as session:
            session.execute(text("SELECT 1"))
            select_procedures(ANSWERS, table.evaluate, catalogue)

    def live():
        with database.transaction(write=False) as session:
            evaluate_answers(session, ANSWERS)

    assert [p["id"] for p in evaluate_answers_once(database)] == \
        [p["id"] for p in select_procedures(ANSWERS, table.evaluate, catalogue)]
    in_memory(), live()  # warm both (the live one parses the deployed table once)
    baseline, measured = per_call(in_memory, repeat, rounds), per_call(live, repeat, rounds)
    print(f"navi evaluation, SQLite, {repeat} calls x {rounds} rounds (median of the round means)")
    print(f"  baseline: table in memory + read transaction   {baseline:7.2f} ms")
    print(f"  live: deployed table and catalogue looked up    {measured:7.2f} ms   ratio {measured / baseline:.2f}")
    database.dispose()


def evaluate_answers_once(database: Database) -> list[dict]:
    with database.transaction(write=False) as session:
        return evaluate_answers(session, ANSWERS)


if __name__ == "__main__":
    main()
