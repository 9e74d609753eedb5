"""Who sees which open tasks: a role's own work, narrowed to the ward (and department) the account belongs to."""
from __future__ import annotations

from dataclasses import dataclass

WORKLIST_ROLES = {"operator", "dept_staff", "counter"}
SEES_ALL_TASKS = {"supervisor"}


@dataclass(frozen=True)
class TaskScope:
    """Filters for WorkflowRuntime.list_tasks; `visible` False means the role has no worklist at all."""

    visible: bool
    role: str | None = None
    ward: str | None = None
    department: str | None = None

    def filters(self) -> dict:
        return {"role": self.role, "ward": self.ward, "department": self.department}


def scope_for(role: str, ward: str | None, department: str | None) -> TaskScope:
    if role in SEES_ALL_TASKS:
        return TaskScope(True)
    if role not in WORKLIST_ROLES:
        return TaskScope(False)
    if role == "dept_staff":
        return TaskScope(True, role, ward, department)
    if role == "counter":
        return TaskScope(True, role, ward)
    return TaskScope(True, role)
