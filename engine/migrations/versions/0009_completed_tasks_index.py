"""human_tasks: a partial index for the completed-tasks tab (a role's history, newest first)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

WHERE = "state = 'COMPLETED'"


def upgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_completed_by_role', ['role', 'completed_at', 'id'], unique=False,
                              postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_completed_by_role', postgresql_where=sa.text(WHERE),
                            sqlite_where=sa.text(WHERE))
