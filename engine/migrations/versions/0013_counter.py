"""the counter's day: check-in and check-out columns, the booked slot column (issue #12)

One case_visits row per bereavement case. Existing cases are back-filled here, once, from their decrypted
workflow data (the slot a running booking holds takes a seat; cancelled and ended cases hold none).

Revision ID: 0013
Revises: 0012
"""
import json
import zlib
from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

JST = ZoneInfo("Asia/Tokyo")
CASE_PROCESS = "okuyami_case"


def upgrade() -> None:
    op.create_table('case_visits',
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('ward', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seat', sa.Integer(), nullable=True),
    sa.Column('visit_on', sa.Date(), nullable=True),
    sa.Column('family', sa.LargeBinary(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                            name=op.f('fk_case_visits_instance_id_process_instances')),
    sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_case_visits')),
    sa.UniqueConstraint('ward', 'slot_start', 'seat', name=op.f('uq_case_visits_ward_slot_start_seat'))
    )
    with op.batch_alter_table('case_visits', schema=None) as batch_op:
        batch_op.create_index('ix_case_visits_ward_slot_start', ['ward', 'slot_start'], unique=False)
        batch_op.create_index('ix_case_visits_ward_visit_on', ['ward', 'visit_on'], unique=False)
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('case_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_case_visits_ward_visit_on')
        batch_op.drop_index('ix_case_visits_ward_slot_start')

    op.drop_table('case_visits')


LIVE_STATES = (8, 16, 32)   # SpiffWorkflow's WAITING, READY, STARTED
KEYS = ("channel", "ward", "slot_start", "deceased", "applicant", "checked_in_at", "checked_out_at", "cancelled_on")


def _case_data(blob: bytes) -> dict:
    """The case's data as far as a migration can tell without the model: a stored task keeps only its changes
    against its parent (SpiffWorkflow's delta), so the data of a task is its parent's with its delta applied;
    the case's is the last task's when the workflow is done, else that of the deepest task still waiting."""
    workflow = json.loads(zlib.decompress(blob))
    tasks = workflow.get("tasks", {})
    resolved: dict[str, tuple[dict, int]] = {}

    def data_of(task_id: str) -> tuple[dict, int]:
        chain = []
        while task_id is not None and task_id not in resolved:
            chain.append(task_id)
            task_id = tasks[task_id].get("parent")
        data, depth = resolved[task_id] if task_id is not None else ({}, -1)
        for current in reversed(chain):
            task = tasks[current]
            delta = task.get("delta") or {}
            if task.get("parent") is None or not delta:
                data = dict(task.get("data") or {})
            else:
                data = {**data, **(delta.get("updates") or {})}
                for key in delta.get("deletions") or []:
                    data.pop(key, None)
            depth += 1
            resolved[current] = (data, depth)
        return resolved[task_id if not chain else chain[0]]

    if workflow.get("completed") and workflow.get("last_task") in tasks:
        data = data_of(workflow["last_task"])[0]
    else:
        live = [data_of(task_id) for task_id, task in tasks.items() if task.get("state") in LIVE_STATES]
        data = max(live, key=lambda found: found[1])[0] if live else {}
    return {key: data[key] for key in KEYS if key in data}


def _moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value).astimezone(UTC) if isinstance(value, str) else None
    except ValueError:
        return None


def _backfill(connection) -> None:
    rows = connection.execute(sa.text(
        "SELECT id, status, ward, created_at, workflow FROM process_instances WHERE process_id = :process"),
        {"process": CASE_PROCESS}).all()
    if not rows:
        return
    from engine import crypto   # the key ring is configured only where there is something to decrypt
    from engine.db.types import EncryptedBytes, UTCDateTime

    keyring = crypto.keyring()
    seats: dict = defaultdict(int)
    moment = UTCDateTime()
    table = sa.table("case_visits", sa.column("instance_id"), sa.column("ward"), sa.column("channel"),
                     sa.column("slot_start", moment), sa.column("seat"), sa.column("visit_on", sa.Date()),
                     sa.column("family", EncryptedBytes()), sa.column("checked_in_at", moment),
                     sa.column("checked_out_at", moment), sa.column("cancelled_at", moment))
    for instance_id, status, ward, created_at, blob in rows:
        data = _case_data(keyring.decrypt(bytes(blob)))
        ward = data.get("ward") or ward
        channel = data.get("channel")
        if not ward or channel not in ("booking", "walk_in"):
            continue   # a call still being taken: the booking will write the row
        slot = _moment(data.get("slot_start")) if channel == "booking" else None
        created = created_at if isinstance(created_at, datetime) else _moment(created_at)
        if slot is not None:
            visit_on = slot.astimezone(JST).date()
        else:
            visit_on = (created.replace(tzinfo=created.tzinfo or UTC).astimezone(JST).date()
                        if created else None)
        seat = None
        if slot is not None and status == "running":
            seats[(ward, slot)] += 1
            seat = seats[(ward, slot)]
        names = {who: (data.get(who) or {}).get("name", "") if isinstance(data.get(who), dict) else ""
                 for who in ("deceased", "applicant")}
        connection.execute(table.insert().values(
            instance_id=instance_id, ward=ward, channel=channel, slot_start=slot, seat=seat, visit_on=visit_on,
            family=json.dumps(names, ensure_ascii=False).encode(),
            checked_in_at=_moment(data.get("checked_in_at")), checked_out_at=_moment(data.get("checked_out_at")),
            cancelled_at=(datetime.now(UTC) if data.get("cancelled_on") else None)))
