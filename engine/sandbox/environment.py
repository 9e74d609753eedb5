"""SpiffWorkflow's script engine, re-plumbed: every script, condition, timer and DMN cell runs in the sandbox."""
from __future__ import annotations

import json
from typing import Callable, Mapping

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ..errors import ScriptError
from .compiler import compile_expression, compile_script
from .limits import time_limit
from .whitelist import RESERVED_NAMES, sandbox_globals

ServiceHandler = Callable[[dict, dict], dict]
"""A service-task operation: (evaluated parameters, task data) -> the variables it sets in the task data."""


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, timeout_seconds: float = 2.0, services: Mapping[str, ServiceHandler] | None = None):
        super().__init__({})
        self.timeout_seconds = timeout_seconds
        self.services = dict(services or {})

    def _globals(self, context: dict, external_context: dict | None) -> dict:
        scope = sandbox_globals()
        scope.update(external_context or {})
        scope.update(context)
        return scope

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        scope = self._globals(context, external_context)
        with time_limit(self.timeout_seconds):
            return eval(code, scope)

    def execute(self, script, context, external_context=None):
        code = compile_script(script)
        scope = self._globals(context, external_context)
        with time_limit(self.timeout_seconds):
            exec(code, scope)
        not_data = (RESERVED_NAMES | set(external_context or ())) - set(context)
        for key in [k for k in context if k not in scope]:
            del context[key]
        for key, value in scope.items():
            if key in not_data or key.startswith("_") or (callable(value) and key not in context):
                continue
            context[key] = value
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        handler = self.services.get(operation_name)
        if handler is None:
            raise ScriptError(f"unknown service operation {operation_name!r}")
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        return json.dumps(handler(params, context))


class SandboxScriptEngine(PythonScriptEngine):
    def __init__(self, timeout_seconds: float = 2.0, services: Mapping[str, ServiceHandler] | None = None):
        super().__init__(environment=SandboxEnvironment(timeout_seconds, services))

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
