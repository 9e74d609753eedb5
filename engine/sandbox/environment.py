"""SpiffWorkflow's script engine, re-plumbed: every script, condition, timer and DMN cell runs in the sandbox."""
from __future__ import annotations

import json
from typing import Callable, Mapping

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..errors import ScriptError
from .compiler import compile_expression, compile_script
from .fast_path import MISSING, evaluate_simple, execute_simple
from .isolation import DEFAULT_MEMORY_MEGABYTES, shared_pool

ServiceHandler = Callable[[dict, dict], dict]
"""A service-task operation: (evaluated parameters, task data) -> the variables it sets in the task data."""


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Compiles here (a compile error is reported at once, with its line) and evaluates in a bounded worker
    process (see isolation.py): at most `timeout_seconds` and `memory_megabytes` per evaluation. Expressions
    and scripts that cannot loop or allocate (comparisons of data and constants, assignments of such values,
    see fast_path.py) run here."""

    def __init__(self, timeout_seconds: float = 2.0, services: Mapping[str, ServiceHandler] | None = None,
                 memory_megabytes: int = DEFAULT_MEMORY_MEGABYTES):
        super().__init__({})
        self.timeout_seconds = timeout_seconds
        self.memory_megabytes = memory_megabytes
        self.services = dict(services or {})

    def evaluate(self, expression, context, external_context=None):
        compile_expression(expression)  # the policy's refusals first, whatever path evaluates it
        value = evaluate_simple(expression, context, external_context)
        if value is not MISSING:
            return value
        return shared_pool(self.memory_megabytes).run("evaluate", expression, context, external_context,
                                                       self.timeout_seconds)

    def execute(self, script, context, external_context=None):
        compile_script(script)
        result = execute_simple(script, context, external_context)
        if result is MISSING:
            result = shared_pool(self.memory_megabytes).run("execute", script, context, external_context,
                                                             self.timeout_seconds)
        context.clear()
        context.update(result)
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        handler = self.services.get(operation_name)
        if handler is None:
            raise ScriptError(f"unknown service operation {operation_name!r}")
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        return json.dumps(handler(params, context))


class SandboxScriptEngine(PythonScriptEngine):
    def __init__(self, timeout_seconds: float = 2.0, services: Mapping[str, ServiceHandler] | None = None,
                 memory_megabytes: int = DEFAULT_MEMORY_MEGABYTES):
        super().__init__(environment=SandboxEnvironment(timeout_seconds, services, memory_megabytes))

    def validate(self, expression):
        compile_expression(expression)

    def call_service(self, task, **kwargs):
        try:
            result = self.environment.call_service(task.data, **kwargs)
            updates = json.loads(result)
            if isinstance(updates, dict):
                task.data.update(updates)
            return result
        except Exception as err:
            raise WorkflowTaskException(f"service {kwargs.get('operation_name')!r} failed: {err}",
                                        task=task, exception=err) from err
