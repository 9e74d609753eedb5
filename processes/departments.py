"""Departments (担当課・所管課): the 8 ward-level departments that scope dept_staff accounts and receive pre-checks
(DOMAIN.md), and the city hall's departments that receive the call centre's hand-overs. The list is data
(departments.yaml beside this file): add a department there, never in code."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("departments.yaml")
WARD, CITY = "ward", "city"
LEVELS = {WARD: "区役所", CITY: "市役所"}


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    level: str

    @property
    def ward_level(self) -> bool:
        return self.level == WARD


def load_departments(path: Path = DATA_FILE) -> dict[str, Department]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    found: dict[str, Department] = {}
    for row in rows:
        department = Department(str(row["code"]), str(row["name"]), str(row.get("level") or WARD))
        if department.level not in LEVELS:
            raise ValueError(f"department {department.code}: level must be one of {sorted(LEVELS)}")
        if department.code in found:
            raise ValueError(f"department {department.code} is listed twice in {path}")
        found[department.code] = department
    return found


REGISTRY: dict[str, Department] = load_departments()
DEPARTMENTS: dict[str, str] = {code: d.name for code, d in REGISTRY.items()}
"""code → Japanese name, every level (the lookup most screens need)."""
WARD_DEPARTMENTS: dict[str, str] = {code: d.name for code, d in REGISTRY.items() if d.ward_level}
CITY_DEPARTMENTS: dict[str, str] = {code: d.name for code, d in REGISTRY.items() if not d.ward_level}


def department(code: str) -> Department | None:
    return REGISTRY.get(code)
