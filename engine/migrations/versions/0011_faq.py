"""the FAQ: items, categories, revisions, synonyms, search logs (issue #15)

Revision ID: 0011
Revises: 0010
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
