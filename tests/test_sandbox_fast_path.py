"""Issue #20, 2: a gateway condition that only compares data with constants, and a script task that only records
such values, run without a round trip to the sandbox's worker process; everything else still goes there, with the
same answers and the same errors."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from engine.sandbox import SandboxEnvironment
from engine.sandbox import environment as sandbox_environment
from engine.sandbox.whitelist import SandboxLimitExceeded


class CountingPool:
    """Stands in for the worker pool: counts what reaches it and answers through the real one."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def run(self, operation, source, *args):
        self.calls.append(source)
        return self.real.run(operation, source, *args)


@pytest.fixture
def pool(monkeypatch) -> CountingPool:
    counting = CountingPool(sandbox_environment.shared_pool())
    monkeypatch.setattr(sandbox_environment, "shared_pool", lambda *_args: counting)
    return counting


@pytest.mark.parametrize("expression, data, expected", [
    ('channel == "web"', {"channel": "web"}, True),
    ('channel == "walk_in" or len(precheck_assignments) == 0', {"channel": "web", "precheck_assignments": []}, True),
    ("followup_requested or department_followup", {"followup_requested": False, "department_followup": "税務課"},
     "税務課"),
    ("not done and count >= 3", {"done": False, "count": 3}, True),
    ('"P1D"', {}, "P1D"),
])
def test_plain_conditions_are_answered_without_the_worker(pool, expression, data, expected):
    assert SandboxEnvironment().evaluate(expression, data) == expected
    assert pool.calls == []


@pytest.mark.parametrize("expression, data, expected", [
    ("abs(-1) == 1", {}, True),                  # a call other than len() and the clock
    ("2 ** 10", {}, 1024),                       # arithmetic can allocate: bounded in the worker
    ("procedures", {"procedures": ["JU03"]}, ["JU03"]),  # not a plain value: a copy comes back from the worker
])
def test_everything_else_still_goes_to_the_bounded_worker(pool, expression, data, expected):
    assert SandboxEnvironment().evaluate(expression, data) == expected
    assert pool.calls == [expression]


def test_an_unknown_name_or_a_shadowed_len_gets_the_workers_answer(pool):
    sandbox = SandboxEnvironment()
    with pytest.raises(NameError):
        sandbox.evaluate('channel == "web"', {})
    with pytest.raises(Exception):  # noqa: B017 - whatever the worker makes of calling data
        sandbox.evaluate("len(x) == 1", {"len": 3, "x": [1]})
    assert pool.calls == ['channel == "web"', "len(x) == 1"]


def test_an_expensive_expression_is_still_bounded():
    with pytest.raises(SandboxLimitExceeded):
        SandboxEnvironment(timeout_seconds=0.5).evaluate("len('a' * 10000000000) > 0", {})


MOMENT = datetime(2025, 4, 1, 0, 30, tzinfo=timezone.utc)  # 09:30 in Tokyo


@pytest.mark.parametrize("script, data", [
    ("procedure_count = len(procedures)\nchecked_on = today().isoformat()", {"procedures": ["JU03", "HN01"]}),
    ('submitted_at = now().isoformat()\nstate = "submitted"', {"state": "draft", "note": "受付"}),
    ('department = handover if handover else routing["department"]', {"handover": None, "routing": {"department": "税務課"}}),
    ("first = procedures[0]\nsame = first == procedures[0]", {"procedures": ["JU03"]}),
])
def test_a_script_that_only_records_values_runs_without_the_worker_as_the_worker_would(pool, script, data):
    with time_machine.travel(MOMENT, tick=False):
        ours = dict(data)
        SandboxEnvironment().execute(script, ours)
        assert pool.calls == []
        workers = pool.real.run("execute", script, dict(data), None, 2.0)
    assert ours == workers and list(ours) == list(workers)


@pytest.mark.parametrize("script", [
    "total = 2 ** 10",                        # arithmetic can allocate
    "for p in procedures:\n    last = p",    # a loop
    "name = routing.get('department')",       # any other attribute or call
    "procedures[0] = 'HN01'",                 # writes into data
    "count = len(procedures)\ncount += 1",   # any other statement
    "today = 'mon'",                          # binds a helper's name
])
def test_any_other_script_still_goes_to_the_bounded_worker(pool, script):
    data = {"procedures": ["JU03"], "routing": {"department": "税務課"}}
    SandboxEnvironment().execute(script, data)
    assert pool.calls == [script]


def test_a_simple_script_that_fails_gets_the_workers_error_and_leaves_the_data(pool):
    data = {"note": "procedures forgotten"}
    with pytest.raises(NameError):
        SandboxEnvironment().execute("count = len(procedures)", data)
    assert data == {"note": "procedures forgotten"} and pool.calls == ["count = len(procedures)"]
