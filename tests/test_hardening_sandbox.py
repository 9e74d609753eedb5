"""Issue #13, 1: a model script cannot hold a process past its time bound or allocate beyond its memory bound,
even inside C built-ins that the trace-based bound cannot see; the process that asked keeps working."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.db.models import ProcessInstance
from engine.errors import ScriptError, ScriptTimeout
from engine.registry import ModelSource
from engine.runtime import WorkflowRuntime
from engine.sandbox import SandboxEnvironment
from engine.sandbox.whitelist import SandboxLimitExceeded

from .test_sandbox import SCRIPT_PROCESS

TIMEOUT = 0.5

ATTACKS = {
    "map over huge ranges": ("x = len(list(map(sum, [range(1000000)] * 1000000)))", ScriptTimeout),
    "ljust": ("x = len('a'.ljust(10000000000))", SandboxLimitExceeded),
    "format width": ("n = 10000000000\nx = len(f'{0:>{n}}')", SandboxLimitExceeded),
    "percent star": ("x = len('%*d' % (10000000000, 1))", SandboxLimitExceeded),
    "a few hundred MB": ("x = len('a'.ljust(300000000))", SandboxLimitExceeded),
}


@pytest.fixture
def sandbox() -> SandboxEnvironment:
    return SandboxEnvironment(timeout_seconds=TIMEOUT)


@pytest.mark.parametrize("script, refusal", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_assessments_scripts_are_stopped_and_the_sandbox_keeps_working(sandbox, script, refusal):
    data = {"n": 1}
    with pytest.raises(refusal):
        sandbox.execute(script, data)

    assert data == {"n": 1}
    assert sandbox.evaluate("n + 1", data) == 2


@pytest.mark.parametrize("expression", ["len(list(map(sum, [range(1000000)] * 1000000)))",
                                        "len('a'.rjust(10000000000))", "len('%*d' % (10000000000, 1))"])
def test_the_same_attacks_in_a_gateway_condition_or_timer_expression_are_stopped(sandbox, expression):
    with pytest.raises((ScriptTimeout, SandboxLimitExceeded)):
        sandbox.evaluate(expression, {})

    assert sandbox.evaluate("'P1D'", {}) == "P1D"


def test_a_script_task_that_builds_gigabytes_fails_the_start_with_a_clear_message(database, registry):
    script = "x = len('a'.ljust(10000000000))"
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("spin.bpmn", SCRIPT_PROCESS.format(script=script).encode())], "po")
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=TIMEOUT)

    with pytest.raises(ScriptError) as failed:
        runtime.start("spin", "op1", data={"n": 1})

    assert "memory limit" in str(failed.value)
    assert failed.value.user_message.startswith("モデル内のスクリプト")
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_a_script_task_looping_inside_a_builtin_fails_the_start_on_time(database, registry):
    script = "x = len(list(map(sum, [range(1000000)] * 1000000)))"
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("spin.bpmn", SCRIPT_PROCESS.format(script=script).encode())], "po")
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=TIMEOUT)

    with pytest.raises(ScriptError) as failed:
        runtime.start("spin", "op1", data={"n": 1})

    assert "time limit" in str(failed.value)


def test_values_that_are_not_data_do_not_come_back(sandbox):
    with pytest.raises(ScriptError, match="not data|type"):
        sandbox.evaluate("today", {})


def test_a_script_sees_the_callers_clock(sandbox):
    from datetime import datetime, timezone

    import time_machine

    with time_machine.travel(datetime(2030, 4, 1, 0, 30, tzinfo=timezone.utc), tick=False):
        data = {}
        sandbox.execute("day = today().isoformat()\nhour = now().hour", data)

    assert data == {"day": "2030-04-01", "hour": 9}
