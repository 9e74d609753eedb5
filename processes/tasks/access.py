"""Who may do what with cases and tasks through the API (the same rules as the pages).

- operator, supervisor: city-wide; create bookings; read cases with personal data.
- counter: own ward only; create walk-ins of that ward; read that ward's cases with personal data.
- dept_staff: own ward and department; read that ward's cases without personal data (procedures only); a
  pre-check task shows the department's assignment and whom it is about (PRECHECK_SUBJECT), audited.
- process_owner, admin, auditor: no case data at all (the auditor reads the audit log and reports, not cases).
An object outside the person's scope is "not found", never "forbidden", so its existence is not revealed.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import NotFound, OkuyamiError
from processes.tasks.worklists import scope_for

CASE_READERS = {"operator", "supervisor", "counter", "dept_staff"}
PERSONAL_DATA_READERS = {"operator", "supervisor", "counter"}
BOOKING_CREATORS = {"operator", "supervisor"}
WALK_IN_CREATORS = {"counter"}
SLOT_READERS = {"operator", "supervisor", "counter"}
WARD_SCOPED = {"counter", "dept_staff"}
PERSONAL_KEYS = ("deceased", "applicant", "relationship", "representative_heir", "funeral_host", "refund_account",
                 "new_householder", "date_of_death", "death_registered_on", "death_registered_municipality",
                 "answers")


MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in the database; a larger one names nothing (and must not reach PostgreSQL)."""


class Forbidden(OkuyamiError):
    user_message = "この操作を行う権限がありません。"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    ward: str | None
    department: str | None


def require(condition: bool) -> None:
    if not condition:
        raise Forbidden("role not allowed")


def not_found(what: str = "case") -> NotFound:
    message = "指定された案件は見つかりません。" if what == "case" else "指定されたタスクは見つかりません。"
    return NotFound(f"{what} outside the actor's scope", user_message=message)


def require_id(value: int, what: str = "case") -> int:
    if not 1 <= value <= MAX_ID:
        raise not_found(what)
    return value


def check_create(actor: Actor, channel: str, ward) -> None:
    if channel == "booking":
        require(actor.role in BOOKING_CREATORS)
    else:
        require(actor.role in WALK_IN_CREATORS and actor.ward is not None)
        if isinstance(ward, str) and ward != actor.ward:
            raise Forbidden("walk-in for another ward", user_message="自区以外の窓口受付は登録できません。")


def check_case_read(actor: Actor, case_ward: str | None) -> None:
    """A role that reads no cases gets "not found" too: a 403 for existing cases only would list them."""
    if actor.role not in CASE_READERS:
        raise not_found()
    if actor.role in WARD_SCOPED and case_ward != actor.ward:
        raise not_found()


def sees_personal_data(actor: Actor) -> bool:
    return actor.role in PERSONAL_DATA_READERS


def without_personal_data(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in PERSONAL_KEYS}


def task_scope(actor: Actor):
    """The worklist scope; a role without a worklist is forbidden from the task endpoints."""
    scope = scope_for(actor.role, actor.ward, actor.department)
    require(scope.visible)
    return scope


def check_task(actor: Actor, task) -> None:
    """The task (a HumanTask row) must be in the actor's worklist scope, else it does not exist for them."""
    scope = task_scope(actor)
    for key, value in scope.filters().items():
        if value is not None and getattr(task, key) != value:
            raise not_found("task")


PRECHECK_SUBJECT = {"deceased": ("name", "kana", "birth_date", "address"), "applicant": ("name",),
                    "date_of_death": None, "relationship": None}
"""What a department's pre-check shows of the family: enough to find the deceased in its own records and to know
who is coming (the deceased's name, kana, date of birth, address and date of death; the applicant's name and
relationship), nothing more (no phone, no account, no interview answers)."""


def precheck_subject(data: dict) -> dict:
    subject: dict = {}
    for key, fields in PRECHECK_SUBJECT.items():
        value = data.get(key)
        if value is None:
            continue
        subject[key] = {f: value.get(f) for f in fields} if fields and isinstance(value, dict) else value
    return subject


def visible_task_data(task, data: dict) -> dict:
    """A department's pre-check shows its assignment and whom it is about (PRECHECK_SUBJECT); other tasks show
    the case data they carry."""
    if task.department is not None or task.spec_name == "precheck":
        return {"assignment": data.get("assignment"), **precheck_subject(data)}
    return data


def shows_personal_data(visible: dict) -> bool:
    """Whether task data as shown holds personal data (its reading is then audit-logged)."""
    return any(key in visible for key in PERSONAL_KEYS)
