"""FAQ categories moved and reordered (issue #15)

faq_categories.position (revision 0011) now holds the order the editors choose: siblings are numbered 1..n, and
every move renumbers them (processes/faq/category_moves.py). Before, a copied subtree kept its source's numbers,
so siblings could share a number and their order fell back to the id; this numbers every parent's children 1..n
in the order they were listed. The downgrade keeps the numbers (they are valid positions for the old code too).

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, parent_id FROM faq_categories ORDER BY position, id")).all()
    counters: dict = {}
    for category_id, parent_id in rows:
        counters[parent_id] = counters.get(parent_id, 0) + 1
        bind.execute(sa.text("UPDATE faq_categories SET position = :position WHERE id = :id"),
                     {"position": counters[parent_id], "id": category_id})


def downgrade() -> None:
    pass
