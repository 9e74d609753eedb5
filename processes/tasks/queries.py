"""Filtered task lists: the caller's scope narrowed by ward, department, role, state, assignee, due date, overdue,
case number and completion date; sorted by due date, creation or completion."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.db.models import HumanTask
from engine.db.types import utcnow
from processes.calendar import JST
from processes.departments import DEPARTMENTS
from processes.roles import ROLES
from processes.tasks.list_reads import run_rows
from processes.tasks.task_statements import UNASSIGNED, counts_statement, criteria, rows_statement, where
from processes.tasks.validation import FieldError, ValidationFailed
from processes.tasks.worklists import TaskScope
from processes.wards import load_wards

STATES = ("READY", "COMPLETED", "CANCELLED")
MAX_LIMIT = 500


@dataclass(frozen=True)
class TaskFilters:
    ward: str | None = None
    department: str | None = None
    role: str | None = None
    state: str = "READY"
    assignee: str | None = None
    """A username, UNASSIGNED for unclaimed tasks, None for anyone."""
    due_before: datetime | None = None
    due_from: datetime | None = None
    overdue: bool | None = None
    """True: only tasks past their due time (open tasks); False: only tasks not past it; None: both."""
    instance_id: int | None = None
    completed_from: datetime | None = None
    completed_before: datetime | None = None
    sort: str = "due"


def is_overdue(task: HumanTask, now: datetime | None = None) -> bool:
    """An open task whose due time has passed."""
    return task.state == "READY" and task.due_at is not None and task.due_at < (now or utcnow())


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=JST)


def _moment(value: str) -> datetime:
    """A date (JST midnight) or an ISO date-time (JST when it has no offset); ValueError otherwise."""
    moment = datetime.fromisoformat(value) if "T" in value else start_of_day(date.fromisoformat(value))
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=JST)
    try:
        moment.astimezone(timezone.utc)  # stored in UTC: 0001-01-01 in Tokyo would be year 0
    except OverflowError:
        raise ValueError(value) from None
    return moment


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValueError(value)


def parse_filters(args, username: str) -> TaskFilters:
    """The API's query-string filters checked; ValidationFailed (400) names each bad one."""
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
    due_before = overdue = None
    if due is not None:
        try:
            due_before = _moment(due)
        except ValueError:
            errors.append(FieldError("due_before", "日付（YYYY-MM-DD）または日時を指定してください。"))
    try:
        overdue = _flag(args.get("overdue"))
    except ValueError:
        errors.append(FieldError("overdue", "overdue には true または false を指定してください。"))
    if errors:
        raise ValidationFailed(errors, status=400)
    return TaskFilters(ward, department, role, state, username if assignee == "me" else None, due_before,
                       overdue=overdue)


def _query(scope: TaskScope, filters: TaskFilters, now: datetime):
    """The listing's SELECT of HumanTask rows and its parameters, or None when a filter contradicts the scope."""
    found = criteria(scope, filters, now)
    if found is None:
        return None
    shape, values = found
    return select(HumanTask).where(*where(shape)), values


def count_tasks(session: Session, scope: TaskScope, filters: TaskFilters, now: datetime | None = None,
                cap: int | None = None) -> int:
    """How many tasks match; with `cap`, counting stops past it (cap + 1 means "more than cap"): a history of a
    million completed tasks is not counted row by row for a tab label."""
    found = _query(scope, replace(filters, sort="due"), now or utcnow())
    if found is None:
        return 0
    query, values = found
    if cap is not None:
        query = query.with_only_columns(HumanTask.id).limit(bindparam("cap", cap + 1, literal_execute=True))
    return session.scalar(select(func.count()).select_from(query.subquery()), values) or 0


def find_task_rows(session: Session, scope: TaskScope, filters: TaskFilters, limit: int = MAX_LIMIT,
                   now: datetime | None = None, offset: int = 0) -> list:
    """Tasks inside the scope matching every filter (a filter outside the scope simply matches nothing), as plain
    rows of LIST_COLUMNS (attribute access like a HumanTask) from a statement kept per shape: a page of list rows
    without building the query or an ORM object per row."""
    found = criteria(scope, filters, now or utcnow())
    if found is None:
        return []
    shape, values = found
    return run_rows(session, rows_statement(shape, filters.sort), {**values, "limit": limit, "offset": offset})


def count_tabs(session: Session, scope: TaskScope, filters: dict[str, TaskFilters], caps: dict[str, int],
               now: datetime | None = None) -> dict[str, int]:
    """count_tasks of several filter sets (each stopping past its cap) in one statement, kept per shape: one round
    trip for the worklist's tab bar instead of one per tab."""
    now = now or utcnow()
    counts, shapes, values = {}, [], {}
    for key, wanted in filters.items():
        found = criteria(scope, wanted, now, prefix=key)
        if found is None:
            counts[key] = 0
            continue
        shapes.append((key, found[0]))
        values.update(found[1])
        values[key + "cap"] = caps[key] + 1
    if shapes:
        counts.update(run_rows(session, counts_statement(tuple(shapes)), values)[0]._asdict())
    return {key: counts[key] for key in filters}


def task_by_id(session: Session, task_id: int) -> HumanTask | None:
    return session.get(HumanTask, task_id)


def day_after(day: date) -> datetime:
    """The exclusive end of a day in JST (for "up to and including this date" filters)."""
    return start_of_day(day + timedelta(days=1))


def worklist_filters(query, username: str) -> TaskFilters:
    """The TaskFilters of one worklist tab (processes.tasks.worklists.WorklistQuery) for the signed-in person."""
    base = TaskFilters(ward=query.ward, department=query.department, instance_id=query.case_number,
                       due_from=start_of_day(query.due_from) if query.due_from else None,
                       due_before=day_after(query.due_to) if query.due_to else None, sort=query.sort)
    if query.tab == "mine":
        return replace(base, assignee=username)
    if query.tab == "group":
        return replace(base, assignee=UNASSIGNED)
    if query.tab == "overdue":
        return replace(base, overdue=True)
    return replace(base, state="COMPLETED",
                   completed_from=start_of_day(query.completed_from) if query.completed_from else None,
                   completed_before=day_after(query.completed_to) if query.completed_to else None)
