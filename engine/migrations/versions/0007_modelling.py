"""modelling tables: model drafts and the example interviews every DMN or catalogue deploy runs

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=100), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_drafts'))
    )
    op.create_index('ix_model_drafts_kind_name', 'model_drafts', ['kind', 'name', 'id'], unique=False)
    op.create_table('example_interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('must_include', sa.JSON(), nullable=False),
    sa.Column('must_exclude', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_example_interviews'))
    )


def downgrade() -> None:
    op.drop_table('example_interviews')
    op.drop_index('ix_model_drafts_kind_name', table_name='model_drafts')
    op.drop_table('model_drafts')
