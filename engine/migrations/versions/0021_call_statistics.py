"""call statistics, recordings and transcripts (issue #16): fewer indexes to maintain on import

The caller hash is only ever counted over a period (the period's index serves that), so it loses its own index;
agent events keep one unique index led by the moment (it serves the period's range queries too) instead of two.

Revision ID: 0021
Revises: 0020
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_caller_hash')
    with op.batch_alter_table('agent_events', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_events_at')
        batch_op.drop_constraint('uq_agent_events_agent_kind_at', type_='unique')
        batch_op.create_unique_constraint('uq_agent_events_at_agent_kind', ['at', 'agent', 'kind'])


def downgrade() -> None:
    with op.batch_alter_table('agent_events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_agent_events_at_agent_kind', type_='unique')
        batch_op.create_unique_constraint('uq_agent_events_agent_kind_at', ['agent', 'kind', 'at'])
        batch_op.create_index('ix_agent_events_at', ['at'], unique=False)
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_caller_hash', ['caller_hash'], unique=False)
