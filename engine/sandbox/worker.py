"""The evaluation process: runs model scripts under an address-space and CPU limit, one request at a time.

Started by `isolation.EvaluationPool` as `python -m engine.sandbox.worker MEMORY_MB`; it reads requests from stdin
and writes answers to stdout (length-prefixed pickles, see `isolation.py`). A loop inside a C built-in that the
trace-based time bound cannot see is ended by the parent (it kills this process) or by RLIMIT_CPU; an allocation
beyond the address-space limit raises MemoryError here, and this process then exits so that it is replaced.
"""
from __future__ import annotations

import math
import os
import pickle
import resource
import sys
from datetime import datetime

from .compiler import compile_expression, compile_script
from .isolation import HEADER
from .limits import time_limit
from .whitelist import RESERVED_NAMES, sandbox_globals

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _address_space_in_use() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * _PAGE_SIZE


def limit_memory(megabytes: int) -> None:
    """Everything this process has mapped so far (the interpreter, the sandbox modules) plus `megabytes`."""
    limit = _address_space_in_use() + megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def limit_cpu(seconds: float) -> None:
    """RLIMIT_CPU counts the whole life of the process: the soft limit moves with each evaluation."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(used + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _scope(context: dict, external_context: dict | None, moment: datetime | None = None) -> dict:
    scope = sandbox_globals()
    if moment is not None:  # the caller's clock (one moment per evaluation, and a test's travelled time)
        scope["now"], scope["today"] = (lambda: moment), (lambda: moment.date())
    scope.update(external_context or {})
    scope.update(context)
    return scope


def evaluate(expression: str, context: dict, external_context: dict | None, timeout: float,
             moment: datetime | None = None):
    code = compile_expression(expression)
    scope = _scope(context, external_context, moment)
    with time_limit(timeout):
        return eval(code, scope)


def execute(script: str, context: dict, external_context: dict | None, timeout: float,
            moment: datetime | None = None) -> dict:
    """The task data after the script: names it bound are added, names it deleted are removed; helpers,
    guards and functions it defined are not data."""
    code = compile_script(script)
    scope = _scope(context, external_context, moment)
    with time_limit(timeout):
        exec(code, scope)  # noqa: S102 (compiled by RestrictedPython, run with the whitelist's globals)
    not_data = (RESERVED_NAMES | set(external_context or ())) - set(context)
    result = {key: value for key, value in context.items() if key in scope}
    for key, value in scope.items():
        if key in not_data or key.startswith("_") or (callable(value) and key not in context):
            continue
        result[key] = value
    return result


def _error(exc: BaseException) -> tuple:
    kind = type(exc)
    return ("error", kind.__module__, kind.__qualname__, str(exc))


def handle(request: tuple) -> tuple:
    operation, source, context, external_context, timeout, moment = request
    limit_cpu(timeout)
    try:
        if operation == "evaluate":
            value = evaluate(source, context, external_context, timeout, moment)
        else:
            value = execute(source, context, external_context, timeout, moment)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # noqa: BLE001 (the script's own failure travels back to the caller)
        return _error(exc)
    try:
        return ("ok", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (pickle.PicklingError, AttributeError, TypeError):
        return ("error", "engine.errors", "ScriptError", "a model script returned a value that is not data")
    except MemoryError:
        return ("memory",)


def _read_exactly(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(memory_megabytes: int, handler=handle) -> None:
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the parent's pipe
    limit_memory(memory_megabytes)
    answers.write(HEADER.pack(0))  # ready: the parent's time bound starts with the first request, not the imports
    answers.flush()
    while True:
        header = _read_exactly(requests, HEADER.size)
        if header is None:
            return
        body = _read_exactly(requests, HEADER.unpack(header)[0])
        if body is None:
            return
        try:
            answer = handler(pickle.loads(body))
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            answer = ("memory",)
            payload = pickle.dumps(answer)
        except Exception as exc:  # noqa: BLE001 (a result that cannot travel: pickling failed)
            answer = _error(exc)
            payload = pickle.dumps(answer)
        answers.write(HEADER.pack(len(payload)) + payload)
        answers.flush()
        if answer[0] == "memory":
            return  # a fresh process replaces this one: its heap may be left fragmented


if __name__ == "__main__":
    serve(int(sys.argv[1]))
