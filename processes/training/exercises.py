"""The training exercises per role (exercises.yaml beside this file), read once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from processes.roles import ROLES

SOURCE = Path(__file__).with_name("exercises.yaml")


@dataclass(frozen=True)
class Exercise:
    role: str
    title: str
    family: str
    steps: tuple[str, ...]
    check: str


@cache
def exercises() -> dict[str, tuple[Exercise, ...]]:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    return {role: tuple(Exercise(role, e["title"], e["family"], tuple(e["steps"]), e["check"])
                        for e in data.get(role) or []) for role in ROLES}


def for_role_first(role: str) -> list[tuple[str, str, tuple[Exercise, ...]]]:
    """(role, its Japanese name, exercises), the given role first, then the others in the usual order."""
    order = [role] + [r for r in ROLES if r != role] if role in ROLES else list(ROLES)
    return [(r, ROLES[r], exercises()[r]) for r in order]
