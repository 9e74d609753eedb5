"""The worklist's statements as PostgreSQL runs them (issue #20, 3): the rows and counts read through the driver are
the ones SQLAlchemy reads, and a department's unclaimed tasks come in due order from the scope index, not from
reading and sorting every unclaimed task of the scope."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from processes.tasks.queries import TaskFilters, count_tabs, find_task_rows, find_tasks
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
        tasks = find_tasks(session, KUMIN, group)
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected] and len(rows) == 2
    assert rows[0].due_at == expected[0].due_at and rows[0].due_at.utcoffset() == timedelta(0)
    assert rows[0].instance_id in cases and rows[0].department == "kumin"
    assert counts == {"group": 3, "mine": 0} and [t.id for t in tasks][:2] == [r.id for r in rows]


def test_a_departments_unclaimed_page_is_read_in_due_order_from_the_scope_index(backend, database, cases):
    if backend != "postgresql":
        pytest.skip("PostgreSQL's plan")
    shape, values = criteria(KUMIN, TaskFilters(assignee=UNASSIGNED), VISIT)
    statement = rows_statement(shape, "due")
    with database.transaction(write=False) as session:
        connection = session.connection()
        sql = connection.dialect.statement_compiler(connection.dialect, statement).construct_expanded_state(
            {**values, "limit": 50, "offset": 0})
        # Sorting and scanning the table forbidden (a few rows would otherwise be read anyhow): only a plan that
        # reads the index in order avoids a Sort node.
        connection.execute(text("SET LOCAL enable_sort = off"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + sql.statement, sql.parameters).scalars())
    assert "ix_human_tasks_open_by_scope" in plan and "Sort" not in plan and "Filter" not in plan


def test_case_subjects_of_pages_of_any_length_are_those_of_their_cases(api_app, database, cases):
    from processes.okuyami.visit_records import case_subjects

    with database.transaction(write=False) as session:
        every = case_subjects(session, cases)
        pairs = [case_subjects(session, cases[i:i + 2]) for i in range(2)]
        single = case_subjects(session, cases[2:])
    assert sorted(every) == sorted(cases) and all(subject.visit_at is not None for subject in every.values())
    assert [sorted(p) for p in pairs] == [sorted(cases[0:2]), sorted(cases[1:3])] and list(single) == cases[2:]
    assert {**pairs[0], **pairs[1], **single} == every
