"""the FAQ: items, categories, revisions, attachments, synonyms and proposals, search logs and counts

On PostgreSQL the pg_trgm extension (PostgreSQL contrib) gives the trigram index of faq_items.search_text. On
SQLite the FTS5 trigram table beside faq_items is derived data that processes/faq/search_index.py creates and
fills on first use (Alembic's autogenerate cannot describe a virtual table); the downgrade drops it.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('faq_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['faq_categories.id'], name=op.f('fk_faq_categories_parent_id_faq_categories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_categories'))
    )
    with op.batch_alter_table('faq_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_categories_parent_id'), ['parent_id'], unique=False)

    op.create_table('faq_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('related_urls', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('publish_start', sa.Date(), nullable=True),
    sa.Column('publish_end', sa.Date(), nullable=True),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('use_count', sa.Integer(), nullable=False),
    sa.Column('search_question', sa.Text(), nullable=False),
    sa.Column('search_keywords', sa.Text(), nullable=False),
    sa.Column('search_answer', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_items')),
    sa.UniqueConstraint('number', name=op.f('uq_faq_items_number'))
    )
    with op.batch_alter_table('faq_items', schema=None) as batch_op:
        batch_op.create_index('ix_faq_items_search_text_trgm', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})

    op.create_table('faq_query_counts',
    sa.Column('normalised', sa.String(length=200), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('zero_hits', sa.Integer(), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('normalised', name=op.f('pk_faq_query_counts'))
    )
    op.create_table('faq_search_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('normalised', sa.String(length=200), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_search_logs'))
    )
    with op.batch_alter_table('faq_search_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_search_logs_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_search_logs_session_id'), ['session_id'], unique=False)

    op.create_table('faq_synonym_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('expands_to', sa.String(length=100), nullable=False),
    sa.Column('support', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_synonym_proposals')),
    sa.UniqueConstraint('term', 'expands_to', name=op.f('uq_faq_synonym_proposals_term_expands_to'))
    )
    with op.batch_alter_table('faq_synonym_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_synonym_proposals_state'), ['state'], unique=False)

    op.create_table('faq_synonyms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('expands_to', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_synonyms')),
    sa.UniqueConstraint('term', 'expands_to', name=op.f('uq_faq_synonyms_term_expands_to'))
    )
    with op.batch_alter_table('faq_synonyms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_synonyms_term'), ['term'], unique=False)

    op.create_table('faq_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['faq_items.id'], name=op.f('fk_faq_attachments_item_id_faq_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_attachments'))
    )
    with op.batch_alter_table('faq_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_attachments_item_id'), ['item_id'], unique=False)

    op.create_table('faq_item_categories',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['faq_categories.id'], name=op.f('fk_faq_item_categories_category_id_faq_categories')),
    sa.ForeignKeyConstraint(['item_id'], ['faq_items.id'], name=op.f('fk_faq_item_categories_item_id_faq_items')),
    sa.PrimaryKeyConstraint('item_id', 'category_id', name=op.f('pk_faq_item_categories'))
    )
    with op.batch_alter_table('faq_item_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_item_categories_category_id'), ['category_id'], unique=False)

    op.create_table('faq_item_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['faq_items.id'], name=op.f('fk_faq_item_uses_item_id_faq_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_item_uses'))
    )
    with op.batch_alter_table('faq_item_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_item_uses_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_item_uses_session_id'), ['session_id'], unique=False)

    op.create_table('faq_related_items',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('related_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['faq_items.id'], name=op.f('fk_faq_related_items_item_id_faq_items')),
    sa.ForeignKeyConstraint(['related_id'], ['faq_items.id'], name=op.f('fk_faq_related_items_related_id_faq_items')),
    sa.PrimaryKeyConstraint('item_id', 'related_id', name=op.f('pk_faq_related_items'))
    )
    op.create_table('faq_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['faq_items.id'], name=op.f('fk_faq_revisions_item_id_faq_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_revisions'))
    )
    with op.batch_alter_table('faq_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_revisions_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS faq_search_fts")
    with op.batch_alter_table('faq_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_revisions_item_id'))

    op.drop_table('faq_revisions')
    op.drop_table('faq_related_items')
    with op.batch_alter_table('faq_item_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_item_uses_session_id'))
        batch_op.drop_index(batch_op.f('ix_faq_item_uses_at'))

    op.drop_table('faq_item_uses')
    with op.batch_alter_table('faq_item_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_item_categories_category_id'))

    op.drop_table('faq_item_categories')
    with op.batch_alter_table('faq_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_attachments_item_id'))

    op.drop_table('faq_attachments')
    with op.batch_alter_table('faq_synonyms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_synonyms_term'))

    op.drop_table('faq_synonyms')
    with op.batch_alter_table('faq_synonym_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_synonym_proposals_state'))

    op.drop_table('faq_synonym_proposals')
    with op.batch_alter_table('faq_search_logs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_search_logs_session_id'))
        batch_op.drop_index(batch_op.f('ix_faq_search_logs_at'))

    op.drop_table('faq_search_logs')
    op.drop_table('faq_query_counts')
    with op.batch_alter_table('faq_items', schema=None) as batch_op:
        batch_op.drop_index('ix_faq_items_search_text_trgm', postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})

    op.drop_table('faq_items')
    with op.batch_alter_table('faq_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_categories_parent_id'))

    op.drop_table('faq_categories')
