"""Compile model scripts and expressions under the sandbox policy; compiled code is cached by source."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from .limits import SCRIPT_FILENAME
from .policy import SandboxPolicy


@dataclass(frozen=True)
class SandboxProblem:
    message: str
    line: int | None = None


class SandboxCompileError(SyntaxError):
    def __init__(self, problems: tuple[SandboxProblem, ...]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.message)
        self.lineno = first.line


def _problems(errors) -> tuple[SandboxProblem, ...]:
    out = []
    for text in errors:
        line = None
        if text.startswith("Line "):
            head, _, rest = text.partition(": ")
            try:
                line = int(head.split()[1])
                text = rest
            except (IndexError, ValueError):
                pass
        out.append(SandboxProblem(_in_japanese(text), line))
    return tuple(out)


_TRANSLATIONS = [
    (re.compile(r'"(?P<name>[^"]+)" is an invalid attribute name because it starts with "_"\.?'),
     "「{name}」のように _ で始まる属性は使えません"),
    (re.compile(r'"(?P<name>[^"]+)" is an invalid variable name because it starts with "_"\.?'),
     "「{name}」のように _ で始まる名前は使えません"),
    (re.compile(r'"(?P<name>[^"]+)" is not available in model scripts'), "「{name}」はモデルのスクリプトでは使えません"),
    (re.compile(r"import is not allowed in model scripts"), "import は使えません"),
    (re.compile(r"SyntaxError: (?P<detail>.*)"), "構文に誤りがあります（{detail}）"),
]


def _in_japanese(text: str) -> str:
    """RestrictedPython reports in English; process owners read Japanese. Unknown messages pass unchanged."""
    for pattern, template in _TRANSLATIONS:
        match = pattern.fullmatch(text.strip())
        if match:
            return template.format(**match.groupdict())
    return text


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> tuple[CodeType | None, tuple[SandboxProblem, ...]]:
    compile_fn = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compile_fn(source, filename=SCRIPT_FILENAME, policy=SandboxPolicy)
    if result.errors:
        return None, _problems(result.errors)
    return result.code, ()


def compile_script(source: str) -> CodeType:
    code, problems = _compile(source, "exec")
    if problems:
        raise SandboxCompileError(problems)
    return code


def compile_expression(source: str) -> CodeType:
    code, problems = _compile(source.strip(), "eval")
    if problems:
        raise SandboxCompileError(problems)
    return code


def check_script(source: str) -> tuple[SandboxProblem, ...]:
    return _compile(source, "exec")[1]


def check_expression(source: str) -> tuple[SandboxProblem, ...]:
    return _compile(source.strip(), "eval")[1]
