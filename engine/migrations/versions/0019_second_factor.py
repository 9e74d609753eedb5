"""a required second factor (TOTP) with recovery codes (issue #13)

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes'))
    )
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_codes_user_id'))
    op.drop_table('staff_recovery_codes')
