"""Untrusted scripts and expressions from process owners: RestrictedPython, a small whitelist and a time bound."""
from .compiler import SandboxProblem, check_expression, check_script, compile_expression, compile_script
from .environment import SandboxEnvironment, SandboxScriptEngine
from .limits import time_limit

__all__ = [
    "SandboxEnvironment", "SandboxProblem", "SandboxScriptEngine", "check_expression", "check_script",
    "compile_expression", "compile_script", "time_limit",
]
