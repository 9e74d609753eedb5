"""administration: wards, slots, closures, departments, retention settings (issue #12)

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ward_offices',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('office', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('corner_location', sa.String(length=200), nullable=False),
    sa.Column('corner_floor', sa.String(length=50), nullable=False),
    sa.Column('slot_times', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ward_offices'))
    )
    op.create_table('ward_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ward_closures'))
    )
    op.create_index(op.f('ix_ward_closures_ward'), 'ward_closures', ['ward'], unique=False)
    op.create_table('administered_departments',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_administered_departments'))
    )
    op.create_table('retention_settings',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_retention_settings'))
    )


def downgrade() -> None:
    op.drop_table('retention_settings')
    op.drop_table('administered_departments')
    op.drop_index(op.f('ix_ward_closures_ward'), table_name='ward_closures')
    op.drop_table('ward_closures')
    op.drop_table('ward_offices')
