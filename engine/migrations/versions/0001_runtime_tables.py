"""runtime tables

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


_AUDIT_APPEND_ONLY_PG = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
"""

_AUDIT_APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END",
]


def _install_audit_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_AUDIT_APPEND_ONLY_PG)
    else:
        for statement in _AUDIT_APPEND_ONLY_SQLITE:
            op.execute(statement)


def _drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('before_digest', sa.String(length=64), nullable=True),
    sa.Column('after_digest', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_instance_id'), ['instance_id'], unique=False)

    op.create_table('model_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_by', sa.String(length=100), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_model_files')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_model_files_name_version'))
    )
    with op.batch_alter_table('model_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_model_files_content_hash'), ['content_hash'], unique=False)

    op.create_table('process_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('spec', sa.LargeBinary(), nullable=False),
    sa.Column('file_ids', sa.JSON(), nullable=False),
    sa.Column('lane_roles', sa.JSON(), nullable=False),
    sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_by', sa.String(length=100), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_versions')),
    sa.UniqueConstraint('process_id', 'version', name=op.f('uq_process_versions_process_id_version'))
    )
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_versions_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_versions_process_id'), ['process_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=True),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_users_token_hash')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('process_instances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('workflow', sa.LargeBinary(), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=True),
    sa.Column('wake_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'], name=op.f('fk_process_instances_process_version_id_process_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_instances'))
    )
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_instances_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instances_process_version_id'), ['process_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_instances_status'), ['status'], unique=False)
        batch_op.create_index('ix_process_instances_wake_at', ['wake_at'], unique=False, postgresql_where=sa.text('wake_at IS NOT NULL'), sqlite_where=sa.text('wake_at IS NOT NULL'))
        batch_op.create_index(batch_op.f('ix_process_instances_ward'), ['ward'], unique=False)

    op.create_table('human_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('spec_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('form', sa.String(length=200), nullable=True),
    sa.Column('lane', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=32), nullable=True),
    sa.Column('ward', sa.String(length=32), nullable=True),
    sa.Column('department', sa.String(length=32), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name=op.f('fk_human_tasks_instance_id_process_instances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_tasks')),
    sa.UniqueConstraint('task_id', name=op.f('uq_human_tasks_task_id'))
    )
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_human_tasks_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_human_tasks_open_by_assignee', ['assignee', 'due_at', 'id'], unique=False, postgresql_where=sa.text("state = 'READY'"), sqlite_where=sa.text("state = 'READY'"))
        batch_op.create_index('ix_human_tasks_open_by_role', ['role', 'due_at', 'id'], unique=False, postgresql_where=sa.text("state = 'READY'"), sqlite_where=sa.text("state = 'READY'"))


    _install_audit_triggers()


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_open_by_role', postgresql_where=sa.text("state = 'READY'"), sqlite_where=sa.text("state = 'READY'"))
        batch_op.drop_index('ix_human_tasks_open_by_assignee', postgresql_where=sa.text("state = 'READY'"), sqlite_where=sa.text("state = 'READY'"))
        batch_op.drop_index(batch_op.f('ix_human_tasks_instance_id'))

    op.drop_table('human_tasks')
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_instances_ward'))
        batch_op.drop_index('ix_process_instances_wake_at', postgresql_where=sa.text('wake_at IS NOT NULL'), sqlite_where=sa.text('wake_at IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_process_instances_status'))
        batch_op.drop_index(batch_op.f('ix_process_instances_process_version_id'))
        batch_op.drop_index(batch_op.f('ix_process_instances_process_id'))

    op.drop_table('process_instances')
    op.drop_table('users')
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_versions_process_id'))

    op.drop_table('process_versions')
    op.drop_table('model_files')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_instance_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
