"""retention, erase-all and the auditor's export (issue #19)

Revision ID: 0022
Revises: 0021

The audit log stays append-only (UPDATE always refused) but a DELETE goes through while a row of
`audit_purge_permits` is visible: only inside the transaction of an audit-log purge or an erase-all, which insert
the permit and remove it again before they commit. `purge_records.anchor_hash` keeps the last deleted link's hash.
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


_PG_PERMITTED = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purge_permits) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
_PG_ORIGINAL = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
_SQLITE_PERMITTED = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                     "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permits) "
                     "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END")
_SQLITE_ORIGINAL = ("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END")


def upgrade() -> None:
    op.create_table('audit_purge_permits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_purge_permits'))
    )
    with op.batch_alter_table('purge_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anchor_hash', sa.String(length=64), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_PERMITTED)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute(_SQLITE_PERMITTED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_ORIGINAL)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute(_SQLITE_ORIGINAL)
    with op.batch_alter_table('purge_records', schema=None) as batch_op:
        batch_op.drop_column('anchor_hash')
    op.drop_table('audit_purge_permits')
