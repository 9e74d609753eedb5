"""documents tables: uploaded form template versions and each case's print packet

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_template_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_template_versions')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_form_template_versions_name_version'))
    )
    with op.batch_alter_table('form_template_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_template_versions_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_template_versions_content_hash'), ['content_hash'], unique=False)

    op.create_table('case_packets',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('template_pins', sa.JSON(), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('docx_zip', sa.LargeBinary(), nullable=True),
    sa.Column('no_pdf_reason', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['process_instances.id'], name=op.f('fk_case_packets_case_id_process_instances'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_packets'))
    )


def downgrade() -> None:
    op.drop_table('case_packets')
    with op.batch_alter_table('form_template_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_template_versions_content_hash'))
        batch_op.drop_index(batch_op.f('ix_form_template_versions_name'))
    op.drop_table('form_template_versions')
