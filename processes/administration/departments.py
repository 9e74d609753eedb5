"""Departments as the administrator keeps them, over the registry of processes/departments.py (departments.yaml):
a saved department (new, or renamed, ward or city level) is a row here, and `install` lays the rows over the
registry's dictionaries in place, so every screen and check that reads the registry sees them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.runtime import audit
from processes import departments as registry
from processes.administration.models import AdministeredDepartment
from processes.tasks.validation import FieldError, ValidationFailed

CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    level: str
    saved_by_admin: bool
    updated_at: datetime | None


def department_rows(session: Session) -> list[DepartmentRow]:
    saved = {row.code: row for row in session.scalars(select(AdministeredDepartment))}
    rows = [DepartmentRow(code, saved[code].name if code in saved else d.name,
                          saved[code].level if code in saved else d.level, code in saved,
                          saved[code].updated_at if code in saved else None)
            for code, d in registry.load_departments().items()]
    known = {row.code for row in rows}
    rows += [DepartmentRow(code, row.name, row.level, True, row.updated_at)
             for code, row in sorted(saved.items()) if code not in known]
    return sorted(rows, key=lambda r: (r.level != registry.WARD, ))


def save_department(session: Session, form: dict, actor: str) -> None:
    code = (form.get("code") or "").strip()
    name = (form.get("name") or "").strip()
    level = form.get("level") or ""
    errors = []
    if not CODE.match(code):
        errors.append(FieldError("code", "課の識別名は半角の英小文字で始まる英小文字・数字・_ の2〜32文字にしてください"
                                         "（例: kuseisuishin）。"))
    if not name or len(name) > 100:
        errors.append(FieldError("name", f"課の名称は1〜100文字で入力してください（現在{len(name)}文字）。"))
    if level not in registry.LEVELS:
        errors.append(FieldError("level", "区役所か市役所かを選んでください。"))
    if errors:
        raise ValidationFailed(errors)
    row = session.get(AdministeredDepartment, code)
    before = None if row is None else {"name": row.name, "level": row.level}
    if row is None:
        row = AdministeredDepartment(code=code, name=name, level=level, updated_by=actor)
        session.add(row)
    row.name, row.level, row.updated_at, row.updated_by = name, level, utcnow(), actor
    session.flush()
    audit.record(session, actor, "department.saved", before=before, after={"name": name, "level": level},
                 detail={"department": code, "new": before is None and code not in registry.load_departments()})
    install(session)


def install(session: Session) -> None:
    merged = registry.load_departments()
    for row in session.scalars(select(AdministeredDepartment)):
        merged[row.code] = registry.Department(row.code, row.name, row.level)
    lay_over_registry(merged)


def lay_over_registry(merged: dict[str, registry.Department]) -> None:
    """Replace the registry's dictionaries' contents in place (modules hold references to them)."""
    registry.REGISTRY.clear()
    registry.REGISTRY.update(merged)
    for target, keep in ((registry.DEPARTMENTS, lambda d: True), (registry.WARD_DEPARTMENTS, lambda d: d.ward_level),
                         (registry.CITY_DEPARTMENTS, lambda d: not d.ward_level)):
        target.clear()
        target.update({code: d.name for code, d in merged.items() if keep(d)})
