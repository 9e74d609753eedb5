"""Issue #20, 2: a gateway condition that only compares data with constants is evaluated without a round trip to
the sandbox's worker process; everything else still goes there, with the same answers and the same errors."""
from __future__ import annotations

import pytest

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
    ("today() is not None", {}, True),          # a call other than len()
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
