"""the engine and worklists at a country's size (issue #20): human_tasks indexes for a person's own scope

A dept_staff worklist is narrowed to the role, the ward and the department; a counter's to the role and the
ward. With a million completed tasks and tens of thousands of open ones, the role-only indexes made every tab
count and list read thousands of rows from the table. These two serve each tab (mine, group, overdue, completed)
and its count from the index alone; the third, a supervisor's completed tab (every role), newest first.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

OPEN = "state = 'READY'"
COMPLETED = "state = 'COMPLETED'"


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_open_by_scope', ['role', 'ward', 'department', 'assignee', 'due_at', 'id'],
                              unique=False, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
        batch_op.create_index('ix_human_tasks_completed_by_scope', ['role', 'ward', 'department', 'completed_at', 'id'],
                              unique=False, postgresql_where=sa.text(COMPLETED), sqlite_where=sa.text(COMPLETED))
        batch_op.create_index('ix_human_tasks_completed', ['completed_at', 'id'], unique=False,
                              postgresql_where=sa.text(COMPLETED), sqlite_where=sa.text(COMPLETED))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_completed', postgresql_where=sa.text(COMPLETED),
                            sqlite_where=sa.text(COMPLETED))
        batch_op.drop_index('ix_human_tasks_completed_by_scope', postgresql_where=sa.text(COMPLETED),
                            sqlite_where=sa.text(COMPLETED))
        batch_op.drop_index('ix_human_tasks_open_by_scope', postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
