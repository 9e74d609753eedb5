"""the engine's own cost per step (issue #20, 2): room on process_instances' pages for an updated row

Every step rewrites its case's row (the workflow blob, ~1 kB). PostgreSQL can write the new version beside the
old one without touching the table's six indexes (a heap-only tuple) only when the page has room; with full
pages about half the steps' updates went to another page and added an entry to every index. Pages are now
filled to 70 %, so a step's update stays on its page. Existing pages keep their fill until rewritten. SQLite
has no such setting.

Revision ID: 0026
Revises: 0025
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE process_instances SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE process_instances RESET (fillfactor)")
