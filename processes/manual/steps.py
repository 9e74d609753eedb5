"""The manual's sections and steps per role (manual.yaml beside this file), checked when read."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from processes.roles import ROLES

SOURCE = Path(__file__).with_name("manual.yaml")


@dataclass(frozen=True)
class Step:
    text: str
    url: str
    action: str

    @property
    def click(self) -> str | None:
        return self.action.removeprefix("click ").strip() if self.action.startswith("click ") else None


@dataclass(frozen=True)
class Section:
    role: str
    screen: str
    title: str
    steps: tuple[Step, ...]

    def shot_name(self, index: int) -> str:
        """The screenshot of step `index` (1-based) of this section."""
        return f"{self.role}-{self.screen.replace('.', '_')}-{index}.png"


@cache
def manual() -> dict[str, tuple[Section, ...]]:
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    unknown = set(data) - set(ROLES)
    if unknown:
        raise ValueError(f"manual.yaml names unknown roles: {sorted(unknown)}")
    result = {}
    for role in ROLES:
        sections = []
        for entry in data.get(role) or []:
            steps = tuple(Step(s["text"], s["url"], s.get("action", "open")) for s in entry["steps"])
            if any(not s.url.startswith("/") or not (s.action == "open" or s.click) for s in steps):
                raise ValueError(f"manual.yaml: {role} / {entry['title']}: a step needs url /... and action "
                                 "open or click SELECTOR")
            sections.append(Section(role, entry["screen"], entry["title"], steps))
        result[role] = tuple(sections)
    return result


def roles_first(role: str | None) -> list[str]:
    return [role] + [r for r in ROLES if r != role] if role in ROLES else list(ROLES)
