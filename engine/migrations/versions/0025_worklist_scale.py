"""worklists and case pages at a country's size (issue #20, 3): the open tasks in due order, so that the first page
of a supervisor's overdue tab (every scope) and of the group tabs (unclaimed tasks: a supervisor's, every role;
an operator's, one role) is read from an index instead of sorting tens of thousands of open tasks
(`assignee IS NULL` does not let PostgreSQL read the by-assignee index in order).

Revision ID: 0025
Revises: 0024
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

OPEN = "state = 'READY'"
UNCLAIMED = "state = 'READY' AND assignee IS NULL"
INDEXES = (('ix_human_tasks_open_by_due', ['due_at', 'id'], OPEN),
           ('ix_human_tasks_unclaimed_by_due', ['due_at', 'id'], UNCLAIMED),
           ('ix_human_tasks_unclaimed_by_role', ['role', 'due_at', 'id'], UNCLAIMED))


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        for name, columns, where in INDEXES:
            batch_op.create_index(name, columns, unique=False, postgresql_where=sa.text(where),
                                  sqlite_where=sa.text(where))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        for name, _columns, where in reversed(INDEXES):
            batch_op.drop_index(name, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
