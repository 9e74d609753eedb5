"""the public side: sealed requests, survey tokens and answers (issue #17)

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_survey_tokens_token_hash'))
    )
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_tokens_issued_on'), ['issued_on'], unique=False)
    op.create_table('city_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('box_public', sa.String(length=64), nullable=False),
    sa.Column('box_secret', sa.LargeBinary(), nullable=False),
    sa.Column('verify_key', sa.String(length=64), nullable=False),
    sa.Column('sign_secret', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_city_keys'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('corner_satisfaction', sa.Integer(), nullable=True),
    sa.Column('callcentre_satisfaction', sa.Integer(), nullable=True),
    sa.Column('time_felt_right', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.LargeBinary(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('public_id', name=op.f('uq_survey_answers_public_id'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_answered_on_ward', ['answered_on', 'ward'], unique=False)
    op.create_table('public_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_requests')),
    sa.UniqueConstraint('number', name=op.f('uq_public_requests_number'))
    )
    with op.batch_alter_table('public_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_requests_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('public_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_requests_state'))
    op.drop_table('public_requests')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_answered_on_ward')
    op.drop_table('survey_answers')
    op.drop_table('city_keys')
    with op.batch_alter_table('survey_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_tokens_issued_on'))
    op.drop_table('survey_tokens')
