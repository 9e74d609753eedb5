"""Who sees which tasks (a role's own work, narrowed to the account's ward and department) and the worklist's
tabs: my tasks, my group's unclaimed tasks, overdue tasks, completed tasks."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

WORKLIST_ROLES = {"operator", "dept_staff", "counter"}
SEES_ALL_TASKS = {"supervisor"}
REASSIGNERS = {"supervisor"}


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


TABS: dict[str, str] = {
    "mine": "自分のタスク",
    "group": "グループの未着手タスク",
    "overdue": "期限超過",
    "completed": "完了したタスク",
}
SORT_LABELS = {"due": "期限が近い順", "-due": "期限が遠い順", "created": "作成が古い順", "-created": "作成が新しい順"}


MAX_PAGE = 10_000


@dataclass(frozen=True)
class WorklistQuery:
    """What the worklist page asks for, checked: the tab, the filters people set, and Japanese errors for the
    filters that could not be read (those are ignored, the rest still applies)."""

    tab: str = "mine"
    ward: str | None = None
    department: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    case_number: int | None = None
    completed_from: date | None = None
    completed_to: date | None = None
    sort: str = "due"
    errors: dict[str, str] | None = None
    page: int = 1

    def with_tab(self, tab: str) -> "WorklistQuery":
        return replace(self, tab=tab, page=1)


def _day(args, key: str, errors: dict) -> date | None:
    value = (args.get(key) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[key] = "日付は YYYY-MM-DD の形式で入力してください。"
        return None


def _page(args, errors: dict) -> int:
    raw = (args.get("page") or "").strip()
    if not raw:
        return 1
    if raw.isdigit() and 0 < int(raw) <= MAX_PAGE:
        return int(raw)
    errors["page"] = "ページの指定が正しくありません。"
    return 1


def read_worklist_query(args, wards: dict, departments: dict) -> WorklistQuery:
    errors: dict[str, str] = {}
    tab = args.get("tab") if args.get("tab") in TABS else "mine"
    ward = args.get("ward") or None
    if ward is not None and ward not in wards:
        errors["ward"] = "区を一覧から選んでください。"
        ward = None
    department = args.get("department") or None
    if department is not None and department not in departments:
        errors["department"] = "担当課を一覧から選んでください。"
        department = None
    case_number = None
    raw_case = (args.get("case") or "").strip()
    if raw_case:
        if raw_case.isdigit() and 0 < int(raw_case) < 2**31:
            case_number = int(raw_case)
        else:
            errors["case"] = "案件番号は数字で入力してください。"
    sort = args.get("sort") if args.get("sort") in SORT_LABELS else ("-completed" if tab == "completed" else "due")
    query = WorklistQuery(tab, ward, department, _day(args, "due_from", errors), _day(args, "due_to", errors),
                          case_number, _day(args, "completed_from", errors), _day(args, "completed_to", errors),
                          sort, errors, _page(args, errors))
    for start, end in (("due_from", "due_to"), ("completed_from", "completed_to")):
        if getattr(query, start) and getattr(query, end) and getattr(query, start) > getattr(query, end):
            errors[end] = "終了日は開始日以降の日付にしてください。"
    return query
