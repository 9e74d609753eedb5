"""calls: the index on the agent alone dropped (a year's import paid ~30 % of its inserts for it); the queries that
name an agent also bound the moment the call entered and read through ix_calls_entered

Revision ID: 0028
Revises: 0027
"""
from alembic import op


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_agent'))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_agent'), ['agent'], unique=False)
