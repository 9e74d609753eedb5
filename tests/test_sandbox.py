"""Model scripts are untrusted: escapes are refused at compile time, endless loops and memory bombs are stopped,
ordinary scripts and expressions work."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from engine.db.models import ProcessInstance
from engine.errors import ScriptError, ScriptTimeout
from engine.registry import ModelSource
from engine.runtime import WorkflowRuntime
from engine.sandbox import SandboxEnvironment, check_expression, check_script
from engine.sandbox.compiler import SandboxCompileError
from engine.sandbox.whitelist import SandboxLimitExceeded

TIMEOUT = 0.3


@pytest.fixture
def sandbox() -> SandboxEnvironment:
    return SandboxEnvironment(timeout_seconds=TIMEOUT)


def run(sandbox: SandboxEnvironment, script: str, **data) -> dict:
    sandbox.execute(script, data)
    return data


# refused -------------------------------------------------------------------------------------------------------

ESCAPES = {
    "import os": ("import os\nx = os.listdir('/')", "import"),
    "from import": ("from os import system", "import"),
    "open": ("x = open('/etc/passwd').read()", "open"),
    "class walk": ("x = ().__class__.__base__.__subclasses__()", "_"),
    "getattr": ("x = getattr(today, 'fn')", "getattr"),
    "__import__": ("x = __import__('os')", "__import__"),
    "eval": ("x = eval('1')", "eval"),
    "type": ("x = type(1)", "type"),
    "dunder of a function": ("x = today.__globals__", "__globals__"),
}


@pytest.mark.parametrize("script, word", ESCAPES.values(), ids=ESCAPES.keys())
def test_escapes_are_refused_at_compile_time(sandbox, script, word):
    problems = check_script(script)
    assert any(p.line == 1 and word in p.message for p in problems), problems

    data = {"secret": "kept"}
    with pytest.raises(SandboxCompileError):
        sandbox.execute(script, data)
    assert data == {"secret": "kept"}


@pytest.mark.parametrize("expression", ["__import__('os').system('id')", "().__class__", "open('x')",
                                        "getattr(a, 'b')"])
def test_escapes_in_expressions_are_refused(sandbox, expression):
    assert check_expression(expression)
    with pytest.raises(SandboxCompileError):
        sandbox.evaluate(expression, {"a": 1})


ENDLESS = {
    "one-line while": "while True: pass",
    "while with a body": "n = 0\nwhile True:\n    n += 1",
    "loop inside a function": "def spin():\n    while True: pass\nspin()",
    "nested comprehension": "x = [0 for i in range(10**6) for j in range(10**6)]",
    "generator in sum": "x = sum(1 for i in range(10**6) for j in range(10**6))",
}


@pytest.mark.parametrize("script", ENDLESS.values(), ids=ENDLESS.keys())
def test_endless_loops_are_stopped(sandbox, script):
    with pytest.raises(ScriptTimeout, match="time limit"):
        sandbox.execute(script, {})


def test_an_endless_expression_is_stopped(sandbox):
    with pytest.raises(ScriptTimeout):
        sandbox.evaluate("any(False for i in range(10**6) for j in range(10**6))", {})


MEMORY_BOMBS = {
    "string times huge": "x = 'a' * 10**9",
    "huge times list": "x = 10**9 * [0]",
    "in-place multiply": "x = 'a'\nx *= 10**9",
    "tower of powers": "x = 9**9**9",
    "pow()": "x = pow(10, 10**8)",
    "in-place power": "x = 2\nx **= 10**9",
    "range": "x = list(range(10**9))",
    "comprehension over range": "x = [i for i in range(10**9)]",
}


@pytest.mark.parametrize("script", MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_memory_bombs_are_stopped(sandbox, script):
    data = {}
    with pytest.raises(SandboxLimitExceeded):
        sandbox.execute(script, data)
    assert "x" not in data


# allowed -------------------------------------------------------------------------------------------------------

def test_arithmetic_comprehensions_and_data_updates(sandbox):
    data = run(sandbox, """
total = sum(fee * count for fee, count in items)
labels = [name.upper() for name in names if name]
counter += 1
flags |= {"checked"}
del scratch
names.append("c")
""", items=[(300, 2), (450, 1)], names=["a", "", "b"], counter=41, flags={"new"}, scratch="temp")

    assert data == {"items": [(300, 2), (450, 1)], "names": ["a", "", "b", "c"], "counter": 42,
                    "flags": {"new", "checked"}, "total": 1050, "labels": ["A", "B"]}


def test_date_helpers_are_in_tokyo_time(sandbox):
    data = run(sandbox, """
stamp = now()
day = today()
deadline = (day + timedelta(days=14)).isoformat()
parsed = parse_datetime("2030-04-01T09:00:00")
""")

    tokyo = ZoneInfo("Asia/Tokyo")
    assert data["stamp"].utcoffset() == timedelta(hours=9)
    assert abs(datetime.now(tokyo) - data["stamp"]) < timedelta(minutes=1)
    assert data["day"] == data["stamp"].date() and isinstance(data["day"], date)
    assert data["deadline"] == (data["day"] + timedelta(days=14)).isoformat()
    assert data["parsed"] == datetime(2030, 4, 1, 9, 0, tzinfo=tokyo)


def test_helpers_and_functions_do_not_leak_into_task_data(sandbox):
    data = run(sandbox, "def double(v):\n    return v * 2\nresult = double(n)\nhelper = today", n=21)

    assert data == {"n": 21, "result": 42}


def test_a_script_error_reaches_the_caller(sandbox):
    with pytest.raises(ZeroDivisionError):
        sandbox.execute("x = 1 / 0", {})


@pytest.mark.parametrize("expression, data, expected", [
    ('a > 1 and b == "x"', {"a": 2, "b": "x"}, True),
    ('a > 1 and b == "x"', {"a": 2, "b": "y"}, False),
    ("len(procedures) > 0", {"procedures": ["JU03"]}, True),
    ('"P1D"', {}, "P1D"),
    ("today() - timedelta(days=1) < today()", {}, True),
    ("2 ** 10", {}, 1024),
    ("'ab' * 3", {}, "ababab"),
])
def test_expressions_evaluate(sandbox, expression, data, expected):
    assert sandbox.evaluate(expression, data) == expected


# through a real workflow ---------------------------------------------------------------------------------------

SCRIPT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="spin_definitions"
                  targetNamespace="http://okuyami.example/test">
  <bpmn:process id="spin" name="スクリプトだけのプロセス" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="work" name="集計">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize("script, word", [("while True: pass", "time limit"),
                                          ("x = 'a' * 10**9", "sandbox limit")])
def test_a_runaway_script_task_stops_the_start_and_leaves_no_instance(database, registry, script, word):
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("spin.bpmn", SCRIPT_PROCESS.format(script=script).encode())], "po")
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=TIMEOUT)

    with pytest.raises(ScriptError) as failed:
        runtime.start("spin", "op1", data={"n": 1})

    assert word in str(failed.value)
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_an_ordinary_script_task_runs_in_the_workflow(database, registry):
    script = "total = n + 1\ndue = (today() + timedelta(days=7)).isoformat()"
    with database.transaction() as session:
        registry.deploy(session, [ModelSource("spin.bpmn", SCRIPT_PROCESS.format(script=script).encode())], "po")
    runtime = WorkflowRuntime(database, registry, script_timeout_seconds=TIMEOUT)

    started = runtime.start("spin", "op1", data={"n": 1})

    assert started.status == "completed"
    data = runtime.instance_data(started.id)
    assert data["total"] == 2 and date.fromisoformat(data["due"]) > date.today() - timedelta(days=1)
