"""The plan PostgreSQL runs the worklist's statements by (issue #20, 3): a department's unclaimed tasks come in due
order from the scope index, not from reading and sorting every unclaimed task of the scope. PostgreSQL's planner
alone: every test here (and the app it books the cases through) runs on PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from processes.tasks.queries import TaskFilters
from processes.tasks.task_statements import UNASSIGNED, criteria, rows_statement
from processes.tasks.worklists import scope_for
from tests.api_support import VISIT
from tests.page_support import new_case

KUMIN = scope_for("dept_staff", "nakahara", "kumin")


@pytest.fixture
def database(empty_postgres_database):
    return empty_postgres_database


@pytest.fixture
def cases(api_app, database):
    booked = [new_case(api_app, slot_start=(VISIT + timedelta(days=days)).isoformat()) for days in (0, 1, 5)]
    # A city's table, not three cases': most unclaimed tasks belong to the other wards' departments. With only a
    # handful of rows every plan costs the same and the planner's pick between indexes is a coin toss.
    with database.transaction() as session:
        session.execute(text("""
            INSERT INTO human_tasks (instance_id, task_id, spec_name, title, form, lane, role, ward, department,
                                     state, assignee, due_at, created_at)
            SELECT instance_id, gen_random_uuid()::text, spec_name, title, form, lane, role,
                   'ward' || copy % 7, 'department' || copy % 12, state, assignee, due_at + copy * interval '1 minute',
                   created_at
            FROM human_tasks, generate_series(1, 400) AS copy
            WHERE state = 'READY'"""))
    with database.transaction() as session:
        session.execute(text("ANALYZE human_tasks"))
    return booked


def test_a_departments_unclaimed_page_is_read_in_due_order_from_the_scope_index(database, cases):
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
