"""The task lists' statements, built once per shape and kept: which filters are set (not their values) decides
a statement, and the values are bound when it runs. Building the expressions and SQLAlchemy's cache key anew for
every tab of every worklist request cost more than the database's answer."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Integer, bindparam, func, select

from engine.db.models import HumanTask
from processes.tasks.worklists import TaskScope

UNASSIGNED = ""
"""`TaskFilters.assignee` value meaning "nobody has claimed it"."""
SORTS = {
    "due": (HumanTask.due_at.asc().nulls_last(), HumanTask.id),
    "-due": (HumanTask.due_at.desc().nulls_last(), HumanTask.id.desc()),
    "created": (HumanTask.created_at.asc(), HumanTask.id),
    "-created": (HumanTask.created_at.desc(), HumanTask.id.desc()),
    # A completed task always has its completion time: plain DESC, so that the completed-by indexes are read
    # backwards instead of the rows being sorted.
    "-completed": (HumanTask.completed_at.desc(), HumanTask.id.desc()),
}
LIST_COLUMNS = (HumanTask.id, HumanTask.instance_id, HumanTask.spec_name, HumanTask.title, HumanTask.form,
                HumanTask.role, HumanTask.ward, HumanTask.department, HumanTask.state, HumanTask.assignee, HumanTask.due_at,
                HumanTask.created_at, HumanTask.completed_at, HumanTask.completed_by)
"""What a list row shows of a task (no workflow data, no form schema)."""
Criteria = tuple[tuple[str, ...], dict]


def criteria(scope: TaskScope, filters, now: datetime, prefix: str = "") -> Criteria | None:
    """The shape (names of the conditions that apply) and the values of a listing's WHERE clause (parameter
    names start with `prefix`), or None when a filter contradicts the scope (nothing can match)."""
    shape, values = [], {"state": filters.state}
    for name, fixed, wanted in (("role", scope.role, filters.role), ("ward", scope.ward, filters.ward),
                                ("department", scope.department, filters.department)):
        if fixed is not None and wanted is not None and fixed != wanted:
            return None
        if (fixed or wanted) is not None:
            shape.append(name)
            values[name] = fixed or wanted
    if filters.assignee == UNASSIGNED:
        shape.append("unassigned")
    elif filters.assignee is not None:
        shape.append("assignee")
        values["assignee"] = filters.assignee
    if filters.overdue is True and filters.state != "READY":
        return None
    if filters.overdue is not None:
        shape.append("overdue" if filters.overdue else "not_overdue")
        values["now"] = now
    for name in ("due_before", "due_from", "instance_id", "completed_from", "completed_before"):
        if getattr(filters, name) is not None:
            shape.append(name)
            values[name] = getattr(filters, name)
    return tuple(shape), {prefix + name: value for name, value in values.items()}


def _condition(name: str, prefix: str):
    def value(key: str = name):
        return bindparam(prefix + key)
    if name == "unassigned":
        return HumanTask.assignee.is_(None)
    if name == "overdue":
        return HumanTask.due_at < value("now")
    if name == "not_overdue":
        return HumanTask.due_at.is_(None) | (HumanTask.due_at >= value("now")) | (HumanTask.state != "READY")
    column, compare = {"role": (HumanTask.role, "=="), "ward": (HumanTask.ward, "=="),
                       "department": (HumanTask.department, "=="), "assignee": (HumanTask.assignee, "=="),
                       "due_before": (HumanTask.due_at, "<"), "due_from": (HumanTask.due_at, ">="),
                       "instance_id": (HumanTask.instance_id, "=="), "completed_from": (HumanTask.completed_at, ">="),
                       "completed_before": (HumanTask.completed_at, "<")}[name]
    return {"==": column == value(), "<": column < value(), ">=": column >= value()}[compare]


@lru_cache(maxsize=512)
def where(shape: tuple[str, ...], prefix: str = "") -> tuple:
    # The state is written into the SQL, not bound: the driver prepares repeated statements, and a generic plan
    # with `state = $1` cannot use the partial indexes (WHERE state = 'READY' / 'COMPLETED') and scans the table.
    return (HumanTask.state == bindparam(prefix + "state", literal_execute=True),
            *(_condition(name, prefix) for name in shape))


_SCOPE_UNCLAIMED = frozenset({"role", "ward", "department", "unassigned"})


def order(shape: tuple[str, ...], sort: str) -> tuple:
    """The ORDER BY of a listing. A person's unclaimed tasks in due order (a department's group tab) also name the
    assignee, which changes no order (it is NULL in every row) but lets PostgreSQL read the first page from the scope
    index (role, ward, department, assignee, due_at, id) in order: the planner does not take `assignee IS NULL` as
    an equality, so without it every unclaimed task of the scope (a thousand at a country's size) was read and
    sorted for a page of 50 (5 ms of the server's time per worklist, now 0.2 ms)."""
    if sort not in SORTS:
        sort = "due"
    if sort == "due" and _SCOPE_UNCLAIMED <= set(shape):
        return (HumanTask.assignee, *SORTS[sort])
    return SORTS[sort]


@lru_cache(maxsize=512)
def rows_statement(shape: tuple[str, ...], sort: str):
    """A page of list rows (LIST_COLUMNS); parameters: the criteria's, `limit` and `offset` (written into the SQL,
    like the state, so that a prepared plan is the one for this page)."""
    return (select(*LIST_COLUMNS).where(*where(shape)).order_by(*order(shape, sort))
            .limit(bindparam("limit", type_=Integer, literal_execute=True))
            .offset(bindparam("offset", type_=Integer, literal_execute=True)))


@lru_cache(maxsize=512)
def counts_statement(shapes: tuple[tuple[str, tuple[str, ...]], ...]):
    """Several capped counts in one statement, one column per (name, shape); each name is its parameters' prefix
    and its cap parameter is `<name>cap` (counting stops past it)."""
    columns = []
    for name, shape in shapes:
        capped = (select(HumanTask.id).where(*where(shape, name))
                  .limit(bindparam(name + "cap", type_=Integer, literal_execute=True)))
        columns.append(select(func.count()).select_from(capped.subquery()).scalar_subquery().label(name))
    return select(*columns)
