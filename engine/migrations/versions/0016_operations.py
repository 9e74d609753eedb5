"""operations: the audit chain, purge records, backups (issue #19)

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_chain',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], name=op.f('fk_audit_chain_audit_id_audit_log')),
    sa.PrimaryKeyConstraint('audit_id', name=op.f('pk_audit_chain'))
    )
    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_chain_day'), ['day'], unique=False)
    op.create_table('purge_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('up_to', sa.DateTime(timezone=True), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purge_records'))
    )
    op.create_table('worker_heartbeats',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats'))
    )


def downgrade() -> None:
    op.drop_table('worker_heartbeats')
    op.drop_table('purge_records')
    with op.batch_alter_table('audit_chain', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_chain_day'))
    op.drop_table('audit_chain')
