"""the call centre: contact records, inquiries and hand-overs, citizen voice (issue #14)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('counterpart_type', sa.String(length=20), nullable=False),
    sa.Column('operator', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('wrapup_ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('call_id', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reply_channel', sa.String(length=20), nullable=True),
    sa.Column('faq_ids', sa.JSON(), nullable=False),
    sa.Column('related_contact_ids', sa.JSON(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('caller_gender', sa.String(length=10), nullable=True),
    sa.Column('caller_age_band', sa.String(length=10), nullable=True),
    sa.Column('caller_satisfaction', sa.String(length=20), nullable=True),
    sa.Column('handover_department', sa.String(length=40), nullable=True),
    sa.Column('handover_ward', sa.String(length=20), nullable=True),
    sa.Column('handover_note', sa.Text(), nullable=False),
    sa.Column('inquiry_instance_id', sa.Integer(), nullable=True),
    sa.Column('inquiry_state', sa.String(length=10), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=False),
    sa.Column('department_answer', sa.Text(), nullable=False),
    sa.Column('department_answered_by', sa.String(length=100), nullable=True),
    sa.Column('department_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_records'))
    )
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_records_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_records_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_records_inquiry_instance_id'), ['inquiry_instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_records_operator'), ['operator'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_records_outcome'), ['outcome'], unique=False)
        batch_op.create_index('ix_contact_records_started', ['started_at', 'id'], unique=False)

    op.create_table('citizen_voices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('intent', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=True),
    sa.Column('said', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('prevention', sa.Text(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=100), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact_records.id'], name=op.f('fk_citizen_voices_contact_id_contact_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_voices')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_citizen_voices_contact_id'))
    )
    op.create_table('contact_callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('phone', sa.LargeBinary(), nullable=False),
    sa.Column('best_time', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact_records.id'], name=op.f('fk_contact_callbacks_contact_id_contact_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_callbacks')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_contact_callbacks_contact_id'))
    )


def downgrade() -> None:
    op.drop_table('contact_callbacks')
    op.drop_table('citizen_voices')
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_records_started')
        batch_op.drop_index(batch_op.f('ix_contact_records_outcome'))
        batch_op.drop_index(batch_op.f('ix_contact_records_operator'))
        batch_op.drop_index(batch_op.f('ix_contact_records_inquiry_instance_id'))
        batch_op.drop_index(batch_op.f('ix_contact_records_case_id'))
        batch_op.drop_index(batch_op.f('ix_contact_records_call_id'))

    op.drop_table('contact_records')
