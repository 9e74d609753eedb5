"""the phone system: calls, agent sessions, recordings (issue #16)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('wait_s', sa.Integer(), nullable=True),
    sa.Column('talk_s', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('transferred', sa.Boolean(), nullable=False),
    sa.Column('agent', sa.String(length=100), nullable=True),
    sa.Column('caller_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('call_id', name=op.f('uq_calls_call_id'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_agent'), ['agent'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_caller_hash'), ['caller_hash'], unique=False)
        batch_op.create_index('ix_calls_entered', ['entered_at'], unique=False)

    op.create_table('agent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_events')),
    sa.UniqueConstraint('agent', 'kind', 'at', name=op.f('uq_agent_events_agent_kind_at'))
    )
    with op.batch_alter_table('agent_events', schema=None) as batch_op:
        batch_op.create_index('ix_agent_events_at', ['at'], unique=False)

    op.create_table('call_import_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_import_checkpoints')),
    sa.UniqueConstraint('path', name=op.f('uq_call_import_checkpoints_path'))
    )

    op.create_table('call_recordings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=False),
    sa.Column('call_id', sa.String(length=64), nullable=True),
    sa.Column('operator', sa.String(length=100), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_s', sa.Integer(), nullable=False),
    sa.Column('transcript_path', sa.String(length=500), nullable=True),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_recordings')),
    sa.UniqueConstraint('file_path', name=op.f('uq_call_recordings_file_path'))
    )
    with op.batch_alter_table('call_recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_recordings_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_call_recordings_operator'), ['operator'], unique=False)
        batch_op.create_index('ix_call_recordings_started', ['started_at'], unique=False)

    op.create_table('recording_playback_rights',
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('may_play', sa.Boolean(), nullable=False),
    sa.Column('granted_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_recording_playback_rights'))
    )


def downgrade() -> None:
    op.drop_table('recording_playback_rights')
    with op.batch_alter_table('call_recordings', schema=None) as batch_op:
        batch_op.drop_index('ix_call_recordings_started')
        batch_op.drop_index(batch_op.f('ix_call_recordings_operator'))
        batch_op.drop_index(batch_op.f('ix_call_recordings_call_id'))
    op.drop_table('call_recordings')
    op.drop_table('call_import_checkpoints')
    with op.batch_alter_table('agent_events', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_events_at')
    op.drop_table('agent_events')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index('ix_calls_entered')
        batch_op.drop_index(batch_op.f('ix_calls_caller_hash'))
        batch_op.drop_index(batch_op.f('ix_calls_agent'))
    op.drop_table('calls')
