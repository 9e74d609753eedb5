"""The cost of the bounds (issue #13): model scripts in a bounded worker process, form templates under a bound.

    python -m bench.sandbox [--quick]

Scripts: a gateway condition and a script task over a case's task data (50 procedures), evaluated by
today's SandboxEnvironment (a worker process under RLIMIT_AS / RLIMIT_CPU, reused) against the in-process
RestrictedPython evaluation it replaced (the same compiled code, the same whitelist, the trace-based time
bound), measured in the same run. Templates: one form rendered with the bound (a child process with its own
limits) against the same rendering in this process. Nothing is asserted: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from engine.sandbox import SandboxEnvironment
from engine.sandbox.worker import evaluate as evaluate_in_process
from engine.sandbox.worker import execute as execute_in_process

CONDITION = 'len(procedures) > 0 and visit_ward == "中原区" and not cancelled'
SCRIPT = "selected = [p['code'] for p in procedures if p['handling'] != 'drop']\ncount = len(selected)"


def _task_data() -> dict:
    procedures = [{"code": f"P{i:02d}", "name": f"手続{i}", "handling": "confirm" if i % 7 else "drop",
                   "reason": "年金を受給していたため"} for i in range(50)]
    return {"procedures": procedures, "visit_ward": "中原区", "cancelled": False, "case_id": 1234}


def _per_call(fn: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            fn()
        samples.append((time.perf_counter() - start) / rounds)
    return statistics.median(samples)


def bench_scripts(rounds: int) -> None:
    bounded = SandboxEnvironment(timeout_seconds=2.0)
    data = _task_data()
    bounded.evaluate(CONDITION, dict(data))  # starts the worker: its start is not an evaluation's cost
    cases = [
        ("gateway condition", lambda: evaluate_in_process(CONDITION, data, None, 2.0),
         lambda: bounded.evaluate(CONDITION, data)),
        ("script task", lambda: execute_in_process(SCRIPT, dict(data), None, 2.0),
         lambda: bounded.execute(SCRIPT, dict(data))),
    ]
    print("model scripts: bounded worker process vs in-process RestrictedPython (baseline, same run)")
    for name, baseline, candidate in cases:
        base = _per_call(baseline, rounds)
        cost = _per_call(candidate, rounds)
        print(f"  {name:18} in-process {base * 1e6:8.1f} µs   bounded {cost * 1e6:8.1f} µs   "
              f"ratio {cost / base:6.1f}x   ({(cost - base) * 1e6:+.0f} µs per evaluation)")


def bench_templates(rounds: int) -> None:
    from engine.documents.bounded import render_bounded
    from engine.documents.rendering import render_in_this_process
    from processes.documents.templates import TEMPLATES_DIR, sample_context

    template = (TEMPLATES_DIR / "guidance.docx").read_bytes()
    context = sample_context()
    render_bounded(template, context)  # starts the rendering worker
    base = _per_call(lambda: render_in_this_process(template, context), rounds)
    cost = _per_call(lambda: render_bounded(template, context), rounds)
    print("form templates: bounded rendering process vs rendering in this process (baseline, same run)")
    print(f"  {'guidance.docx':18} in-process {base * 1e3:8.1f} ms   bounded {cost * 1e3:8.1f} ms   "
          f"ratio {cost / base:6.2f}x   ({(cost - base) * 1e3:+.1f} ms per document)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    bench_scripts(200 if args.quick else 2000)
    bench_templates(4 if args.quick else 20)


if __name__ == "__main__":
    main()
