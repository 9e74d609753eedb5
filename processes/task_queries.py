"""Filtered task lists for the API: the caller's scope narrowed by ward, department, role, state, assignee, due date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask

from .calendar import JST
from .departments import DEPARTMENTS
from .okuyami.wards import load_wards
from .roles import ROLES
from .validation import FieldError, ValidationFailed
from .worklists import TaskScope

STATES = ("READY", "COMPLETED", "CANCELLED")
MAX_LIMIT = 500


@dataclass(frozen=True)
class TaskFilters:
    ward: str | None = None
    department: str | None = None
    role: str | None = None
    state: str = "READY"
    assignee: str | None = None
    due_before: datetime | None = None


def parse_filters(args, username: str) -> TaskFilters:
    """Query-string filters checked; ValidationFailed (400) names each bad one."""
    errors = []
    ward, department, role = args.get("ward"), args.get("department"), args.get("role")
    state, assignee, due = args.get("state", "READY"), args.get("assignee"), args.get("due_before")
    if ward is not None and ward not in load_wards():
        errors.append(FieldError("ward", "区のコード（kawasaki, saiwai, nakahara など）を指定してください。"))
    if department is not None and department not in DEPARTMENTS:
        errors.append(FieldError("department", "担当課のコードを指定してください。"))
    if role is not None and role not in ROLES:
        errors.append(FieldError("role", "役割のコードを指定してください。"))
    if state not in STATES:
        errors.append(FieldError("state", "READY、COMPLETED、CANCELLED のいずれかを指定してください。"))
    if assignee is not None and assignee != "me":
        errors.append(FieldError("assignee", "assignee には「me」だけを指定できます。"))
    due_before = None
    if due is not None:
        try:
            due_before = (datetime.fromisoformat(due) if "T" in due
                          else datetime.combine(date.fromisoformat(due), time(0), tzinfo=JST))
            if due_before.tzinfo is None:
                due_before = due_before.replace(tzinfo=JST)
        except ValueError:
            errors.append(FieldError("due_before", "日付（YYYY-MM-DD）または日時を指定してください。"))
    if errors:
        raise ValidationFailed(errors, status=400)
    return TaskFilters(ward, department, role, state, username if assignee == "me" else None, due_before)


def find_tasks(session: Session, scope: TaskScope, filters: TaskFilters, limit: int = MAX_LIMIT) -> list[HumanTask]:
    """Tasks inside the scope matching every filter (a filter outside the scope simply matches nothing)."""
    query = select(HumanTask).where(HumanTask.state == filters.state)
    for column, fixed, wanted in ((HumanTask.role, scope.role, filters.role), (HumanTask.ward, scope.ward, filters.ward),
                                  (HumanTask.department, scope.department, filters.department)):
        if fixed is not None and wanted is not None and fixed != wanted:
            return []
        if (fixed or wanted) is not None:
            query = query.where(column == (fixed or wanted))
    if filters.assignee is not None:
        query = query.where(HumanTask.assignee == filters.assignee)
    if filters.due_before is not None:
        query = query.where(HumanTask.due_at < filters.due_before)
    query = query.order_by(HumanTask.due_at.asc().nulls_last(), HumanTask.id).limit(limit)
    return list(session.scalars(query))


def task_by_id(session: Session, task_id: int) -> HumanTask | None:
    return session.get(HumanTask, task_id)
