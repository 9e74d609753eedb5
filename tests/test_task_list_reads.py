"""The worklist's statements read through the driver (issue #20, 3): the rows and counts are the ones SQLAlchemy
reads, and the case subjects those of their cases (the plan PostgreSQL runs them by: tests/test_task_list_plan.py)."""
from datetime import timedelta

import pytest

from processes.tasks.queries import TaskFilters, count_tabs, find_task_rows
from processes.tasks.task_statements import UNASSIGNED, criteria, rows_statement
from processes.tasks.worklists import scope_for
from tests.api_support import VISIT
from tests.page_support import new_case

KUMIN = scope_for("dept_staff", "nakahara", "kumin")


@pytest.fixture
def cases(api_app):
    return [new_case(api_app, slot_start=(VISIT + timedelta(days=days)).isoformat()) for days in (0, 1, 5)]


def test_rows_and_counts_are_those_sqlalchemy_reads(api_app, database, cases):
    group = TaskFilters(assignee=UNASSIGNED)
    with database.transaction(write=False) as session:
        rows = find_task_rows(session, KUMIN, group, limit=2)
        shape, values = criteria(KUMIN, group, VISIT)
        expected = list(session.execute(rows_statement(shape, "due"), {**values, "limit": 2, "offset": 0}))
        counts = count_tabs(session, KUMIN, {"group": group, "mine": TaskFilters(assignee="kumin_naka")},
                            {"group": 1000, "mine": 1000})
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected] and len(rows) == 2
    assert rows[0].due_at == expected[0].due_at and rows[0].due_at.utcoffset() == timedelta(0)
    assert rows[0].instance_id in cases and rows[0].department == "kumin"
    assert counts == {"group": 3, "mine": 0}


def test_case_subjects_of_pages_of_any_length_are_those_of_their_cases(api_app, database, cases):
    from processes.okuyami.visit_records import case_subjects

    with database.transaction(write=False) as session:
        every = case_subjects(session, cases)
        pairs = [case_subjects(session, cases[i:i + 2]) for i in range(2)]
        single = case_subjects(session, cases[2:])
    assert sorted(every) == sorted(cases) and all(subject.visit_at is not None for subject in every.values())
    assert [sorted(p) for p in pairs] == [sorted(cases[0:2]), sorted(cases[1:3])] and list(single) == cases[2:]
    assert {**pairs[0], **pairs[1], **single} == every
