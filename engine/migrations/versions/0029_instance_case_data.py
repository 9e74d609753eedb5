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


# Plain ADD and DROP COLUMN on SQLite too (3.35 and later): batch mode would copy process_instances, and dropping the
# original is refused by the foreign keys of the tasks and timers that point at it.
def upgrade() -> None:
    op.add_column('process_instances', sa.Column('case_data', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column('process_instances', 'case_data')
