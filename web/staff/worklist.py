"""The worklist: my tasks, my group's unclaimed tasks, overdue tasks and completed tasks, with filters, sorting,
claim / unclaim / supervisor reassign, and tab counts refreshed by htmx without reloading the page."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for

from engine.db.types import utcnow
from engine.errors import TaskConflict
from processes.departments import DEPARTMENTS
from processes.okuyami.visit_records import case_subjects
from processes.tasks.access import check_task, not_found, require_id, sees_personal_data
from processes.tasks.assignment import assignees_by_scope, reassign, unclaim
from processes.tasks.queries import count_tabs, count_tasks, find_task_rows, is_overdue, task_by_id, worklist_filters
from processes.tasks.validation import ValidationFailed
from processes.tasks.worklists import REASSIGNERS, SORT_LABELS, TABS, read_worklist_query, scope_for
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required
from web.people import remember_names
from web.staff.worklist_links import row_links
from web.staff.worklist_page import render_page
from web.staff.worklist_rows import render_rows

bp = Blueprint("tasks", __name__, template_folder="templates")
WORKERS = ("operator", "supervisor", "dept_staff", "counter")
PAGE_SIZE = 50
COUNT_LIMIT = 1000
"""Tab counts stop past this many rows beyond the page shown (「1000以上」): a year's history is not counted."""
CHANGED_EVENT = "worklist-changed"
OPEN_TABS = ("mine", "group", "overdue")
TASK_SCREENS = {"visit": ("visit.show", "case_id"), "booking": ("booking.for_task", "case_id"),
                "precheck": ("precheck.show", "task_id")}
"""Tasks that have their own screen (BPMN task id → endpoint and its case-id argument), used when installed."""


@bp.context_processor
def _helpers():
    return {"has_endpoint": lambda name: name in current_app.view_functions, "wards": load_wards(),
            "departments": DEPARTMENTS}


@bp.route("/")
@roles_required()
def index():
    from web.auth import home_url

    return redirect(home_url(page_actor().role))


def _scope():
    who = page_actor()
    return who, scope_for(who.role, who.ward, who.department)


def _query():
    # A plain dict of each name's first value, as MultiDict.get reads it: a name not given costs no raised KeyError.
    return read_worklist_query(request.args.to_dict(), load_wards(), DEPARTMENTS)


def _cap(query, tab: str) -> int:
    return COUNT_LIMIT + ((query.page - 1) * PAGE_SIZE if tab == query.tab else 0)


def _counts(session, who, scope, query, now) -> dict[str, int]:
    """Open tabs always; the completed tab (a search through the whole history) only when it is the one shown.
    Each count stops past _cap (a count of cap + 1 means "more"); all of them in one statement."""
    tabs = [tab for tab in TABS if tab in OPEN_TABS or tab == query.tab]
    return count_tabs(session, scope, {tab: worklist_filters(query.with_tab(tab), who.username) for tab in tabs},
                      {tab: _cap(query, tab) for tab in tabs}, now)


def _more(query, counts: dict[str, int]) -> set[str]:
    """Tabs whose count stopped at its cap (shown as 「N以上」)."""
    return {tab for tab, n in counts.items() if n > _cap(query, tab)}


def _assignees(session, tasks) -> dict[int, list]:
    """For a supervisor: who each open task may be handed to."""
    return {task_id: [(u.username, u.display_name) for u in users]
            for task_id, users in assignees_by_scope(session, tasks).items()}


def _subjects(session, who, tasks) -> dict:
    """Each row's case as the city describes it: the visit's time and, for roles that may see it, the family
    (that read is audit-logged, so the page's transaction writes for those roles)."""
    return case_subjects(session, {t.instance_id for t in tasks}, who.username if sees_personal_data(who) else None)


def _page_url(query):
    """The same list (tab, filters, sort) at another page."""
    def url(page: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page"}
        return url_for("tasks.worklist", **{**args, "tab": query.tab, "page": page})
    return url


@bp.get("/tasks")
@roles_required()
def worklist():
    who, scope = _scope()
    query = _query()
    if not scope.visible:
        return render_template("worklist/index.html", scope=scope, query=query, tabs=TABS, counts={}, tasks=[],
                               total=0, who=who)
    now = utcnow()
    with platform().database.transaction(write=sees_personal_data(who)) as session:
        counts = _counts(session, who, scope, query, now)
        if "tab" not in request.args and not counts["mine"]:
            query = query.with_tab("group")     # nothing claimed yet: start where the work is
        if query.tab not in counts:
            counts[query.tab] = count_tasks(session, scope, worklist_filters(query, who.username), now,
                                            cap=_cap(query, query.tab))
        more = _more(query, counts)
        counts = {tab: min(n, _cap(query, tab)) for tab, n in counts.items()}
        tasks = find_task_rows(session, scope, worklist_filters(query, who.username), limit=PAGE_SIZE, now=now,
                               offset=(query.page - 1) * PAGE_SIZE)
        assignees = _assignees(session, tasks) if who.role in REASSIGNERS else {}
        subjects = _subjects(session, who, tasks)
        if any(t.assignee not in (None, who.username) or t.completed_by for t in tasks):   # rows naming people
            remember_names(session)
    row_context = {"who": who, "now": now, "links": row_links(TASK_SCREENS), "subjects": subjects,
                   "assignees": assignees, "wards": load_wards(), "departments": DEPARTMENTS, "is_overdue": is_overdue}
    return render_page({"scope": scope, "query": query, "tabs": TABS, "counts": counts, "tasks": tasks,
                        "total": counts[query.tab], "more": more, "who": who, "sorts": SORT_LABELS,
                        "page_size": PAGE_SIZE, "page_url": _page_url(query)}, render_rows(tasks, row_context))


@bp.get("/tasks/counts")
@roles_required(*WORKERS)
def counts():
    """The tab bar with its counts (an htmx fragment, polled and refreshed after claim/unclaim/reassign)."""
    who, scope = _scope()
    query = _query()
    with platform().database.transaction(write=False) as session:
        counts = _counts(session, who, scope, query, utcnow())
    more = _more(query, counts)
    counts = {tab: min(n, _cap(query, tab)) for tab, n in counts.items()}
    return render_template("worklist/_tabs.html", query=query, tabs=TABS, counts=counts, more=more)


def _change(task_id: int, action) -> object:
    """Run one claim/unclaim/reassign in one transaction; answer the row (htmx) or go back to the list."""
    p = platform()
    who = page_actor()
    message, error = "", ""
    with p.database.transaction() as session:
        task = task_by_id(session, require_id(task_id, "task"))
        if task is None:
            raise not_found("task")
        check_task(who, task)
        try:
            message = action(session, who, task)
        except (TaskConflict, ValidationFailed) as exc:
            error = exc.errors[0].message if isinstance(exc, ValidationFailed) else exc.user_message
        session.refresh(task)
        if request.headers.get("HX-Request"):
            assignees = _assignees(session, [task]) if who.role in REASSIGNERS else {}
            response = make_response(render_template(
                "worklist/_row.html", task=task, who=who, now=utcnow(), assignees=assignees, is_overdue=is_overdue,
                query=_query(), row_message=message, row_error=error, links=row_links(TASK_SCREENS)))
            response.headers["HX-Trigger"] = CHANGED_EVENT
            return response
    flash(error or message, "error" if error else "info")
    return redirect(_back())


def _back() -> str:
    """Back to the worklist tab the person came from (only our own page, never an outside address)."""
    target = request.form.get("next", "")
    return target if target.startswith("/tasks") and "//" not in target else url_for("tasks.worklist")


@bp.post("/tasks/<int:task_id>/claim")
@roles_required(*WORKERS)
def claim(task_id: int):
    def act(session, who, task):
        platform().runtime.claim(task.id, who.username, session=session)
        return f"案件 {task.instance_id} の「{task.title}」を引き受けました。"
    return _change(task_id, act)


@bp.post("/tasks/<int:task_id>/unclaim")
@roles_required(*WORKERS)
def unclaim_task(task_id: int):
    def act(session, who, task):
        unclaim(session, platform().runtime, who, task)
        return f"案件 {task.instance_id} の「{task.title}」の引き受けを解除しました。"
    return _change(task_id, act)


@bp.post("/tasks/<int:task_id>/reassign")
@roles_required("supervisor")
def reassign_task(task_id: int):
    def act(session, who, task):
        assignee = request.form.get("assignee", "")
        reassign(session, who, task, assignee)
        return f"案件 {task.instance_id} の「{task.title}」を {assignee} さんに割り当てました。"
    return _change(task_id, act)
