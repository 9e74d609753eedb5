"""The worklist rows' links, built by joining a task's id into a pattern made by one url_for per endpoint: a page
of 50 rows carries about 250 links, and url_for per link (route building, URL defaults, the script root) was a
fifth of the page's time."""
from __future__ import annotations

from flask import current_app, request, url_for

_MARK = 918273645
"""A number no route or prefix of ours contains: url_for is called with it, and it is cut out again."""


class _Pattern:
    def __init__(self, endpoint: str, argument: str):
        self.head, self.tail = url_for(endpoint, **{argument: _MARK}).split(str(_MARK), 1)

    def __call__(self, value: int) -> str:
        return f"{self.head}{value}{self.tail}"


class RowLinks:
    """url_for's results for the rows of one request: the task's screen, its case, claim, unclaim, reassign."""

    def __init__(self, task_screens: dict[str, tuple[str, str]]):
        views = current_app.view_functions
        self.case = _Pattern("cases.show", "case_id") if "cases.show" in views else None
        self.claim = _Pattern("tasks.claim", "task_id")
        self.unclaim = _Pattern("tasks.unclaim_task", "task_id")
        self.reassign = _Pattern("tasks.reassign_task", "task_id")
        self._form = _Pattern("task_forms.show", "task_id")
        self.key = self.claim.head
        """What the links depend on beyond a task (the application's root), for web/staff/worklist_rows.py."""
        self._screens = {spec: (_Pattern(endpoint, argument), argument == "task_id")
                         for spec, (endpoint, argument) in task_screens.items() if endpoint in views}

    def task(self, task) -> str:
        """The task's own screen when it has one (the visit, the booking, a pre-check), else its form."""
        screen = self._screens.get(task.spec_name)
        if screen is None:
            return self._form(task.id)
        pattern, by_task = screen
        return pattern(task.id if by_task else task.instance_id)


def row_links(task_screens: dict[str, tuple[str, str]]) -> RowLinks:
    """The RowLinks of this application at this root, built once and kept with the application."""
    kept = current_app.extensions.setdefault("okuyami_row_links", {})
    links = kept.get(request.script_root)
    if links is None:
        links = kept[request.script_root] = RowLinks(task_screens)
    return links
