"""FAQ categories moved and reordered; the FAQ's trigram index written at once (issue #15)

faq_categories.position (revision 0011) now holds the order the editors choose: siblings are numbered 1..n, and
every move renumbers them (processes/faq/category_moves.py). Before, a copied subtree kept its source's numbers,
so siblings could share a number and their order fell back to the id; this numbers every parent's children 1..n
in the order they were listed. The downgrade keeps the numbers (they are valid positions for the old code too).

On PostgreSQL the FAQ's trigram index (faq_items.search_text, revision 0011) stops collecting changes in a
pending list (fastupdate off) and the list it holds is merged now: with items written in bulk or edited since the
last vacuum, the planner priced that list so high that it read the whole table for every search (15-30 ms over
5,000 items instead of under 2 ms). FAQ items change a few times a day, so writing the index at once costs nothing.

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
    if bind.dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_faq_items_search_text_trgm SET (fastupdate = off)")
        op.execute("SELECT gin_clean_pending_list('ix_faq_items_search_text_trgm'::regclass)")
    rows = bind.execute(sa.text("SELECT id, parent_id FROM faq_categories ORDER BY position, id")).all()
    counters: dict = {}
    for category_id, parent_id in rows:
        counters[parent_id] = counters.get(parent_id, 0) + 1
        bind.execute(sa.text("UPDATE faq_categories SET position = :position WHERE id = :id"),
                     {"position": counters[parent_id], "id": category_id})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX ix_faq_items_search_text_trgm RESET (fastupdate)")
