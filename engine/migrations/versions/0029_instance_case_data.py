"""process_instances.case_data: the case's current data (encrypted, compressed JSON) written beside the workflow at
each step, so that a process that does not hold the workflow reads a case without decoding it; NULL (rows written
before, or data that JSON cannot hold) is read from the workflow as before

Revision ID: 0029
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_data', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('case_data')
