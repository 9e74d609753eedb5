"""after-call work on the call row and the import at a year's size (issue #16)

An agent's ACW pause after a call is folded onto the call (calls.acw_s) instead of being kept as two agent events.

Revision ID: 0024
Revises: 0023
"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acw_s', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('acw_s')
