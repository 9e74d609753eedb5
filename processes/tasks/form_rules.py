"""The business rules a city attaches to its task forms, beyond each form's JSON Schema: checks that run before a
task is completed (ValidationFailed naming each bad field refuses it) and steps that run after, in the same
transaction. The generic task platform knows no city process: the composition root (processes/platform.py)
registers the city's rules here, once, before any task is completed."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.errors import ConfigurationError
from engine.runtime import WorkflowRuntime


@dataclass(frozen=True)
class Completion:
    """One task being completed: what a rule may look at."""

    session: Session
    runtime: WorkflowRuntime
    forms_dir: Path
    task: HumanTask
    data: dict
    actor: str


Rule = Callable[[Completion], None]
Preparation = Callable[[dict], dict]
"""Turns what a person typed into the form's canonical data (e.g. 和暦 dates into ISO) before any check."""


class FormRules:
    def __init__(self):
        self._before: dict[str, list[Rule]] = {}
        self._after: dict[str, list[Rule]] = {}
        self._prepare: dict[str, list[Preparation]] = {}
        self._composed = False
        self._lock = threading.Lock()

    def compose(self, register: Callable[["FormRules"], None]) -> None:
        """Run the composition root's `register(rules)` once per process (again is a no-op)."""
        with self._lock:
            if not self._composed:
                register(self)
                self._composed = True

    def before_validation(self, forms: Iterable[str], preparation: Preparation) -> None:
        for form in forms:
            self._prepare.setdefault(form, []).append(preparation)

    def prepare(self, form: str | None, data):
        """The data as the form's checks and the process should see it (unchanged for forms without preparations)."""
        for preparation in self._rules(self._prepare, form):
            data = preparation(data) if isinstance(data, dict) else data
        return data

    def before_completion(self, forms: Iterable[str], rule: Rule) -> None:
        for form in forms:
            self._before.setdefault(form, []).append(rule)

    def after_completion(self, forms: Iterable[str], rule: Rule) -> None:
        for form in forms:
            self._after.setdefault(form, []).append(rule)

    def check(self, completion: Completion) -> None:
        for rule in self._rules(self._before, completion.task.form):
            rule(completion)

    def finish(self, completion: Completion) -> None:
        for rule in self._rules(self._after, completion.task.form):
            rule(completion)

    def _rules(self, table: dict[str, list[Rule]], form: str | None) -> list[Rule]:
        if not self._composed:
            # Completing without the city's rules would skip them silently.
            raise ConfigurationError("task form rules were never composed (processes.platform registers them)")
        return table.get(form or "", [])


FORM_RULES = FormRules()
"""The rules of this application, registered by processes/platform.py."""
