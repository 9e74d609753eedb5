"""task drafts table

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'], name=op.f('fk_task_drafts_task_id_human_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_drafts')),
    sa.UniqueConstraint('task_id', 'username', name=op.f('uq_task_drafts_task_id_username'))
    )
    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_drafts_task_id'), ['task_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_drafts_task_id'))

    op.drop_table('task_drafts')
