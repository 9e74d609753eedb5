"""The runtime's hot-path SQL, built once with bind parameters and executed as Core statements.

Building SQLAlchemy constructs and running them through the ORM costs more than the database round trip
itself, so the statements that every task completion runs are prepared here at import time.
"""
from __future__ import annotations

from sqlalchemy import LargeBinary, bindparam, desc, exists, literal_column, or_, select, type_coerce

from ..db.models import AuditEntry, HumanTask, ProcessInstance, ProcessVersion, Timer

instances = ProcessInstance.__table__
human_tasks = HumanTask.__table__
audit_log = AuditEntry.__table__
versions = ProcessVersion.__table__
timers = Timer.__table__

INSTANCE_COLUMNS = (instances.c.id, instances.c.row_version, instances.c.status, instances.c.ward,
                    instances.c.process_version_id, type_coerce(instances.c.workflow, LargeBinary).label("sealed"),
                    instances.c.created_at, type_coerce(instances.c.case_data, LargeBinary).label("sealed_data"))
"""The workflow as stored (encrypted): decrypted only when this process does not hold the workflow already. The
creation moment tells this case from an earlier one that had its id (ids start again after an erase or a restore).
The case data as stored (encrypted; NULL: read it from the workflow), decrypted only when a read needs it."""

READ_INSTANCE = select(*INSTANCE_COLUMNS).where(instances.c.id == bindparam("instance_id"))

READ_TASK_AND_INSTANCE = (
    select(human_tasks.c.id, human_tasks.c.task_id, human_tasks.c.instance_id, human_tasks.c.state,
           human_tasks.c.assignee, human_tasks.c.spec_name, *INSTANCE_COLUMNS)
    .join(instances, instances.c.id == human_tasks.c.instance_id)
    .where(human_tasks.c.id == bindparam("task_ref")))

LIVE_VERSION_ID = (select(versions.c.id).where(versions.c.process_id == bindparam("process_id"))
                   .order_by(desc(versions.c.version)).limit(literal_column("1")))

INSERT_INSTANCE = instances.insert().returning(instances.c.id)

UPDATE_INSTANCE = (
    instances.update()
    .where(instances.c.id == bindparam("b_id"), instances.c.row_version == bindparam("b_row_version"))
    .values(workflow=bindparam("workflow"), case_data=bindparam("case_data"), row_version=bindparam("new_row_version"),
            status=bindparam("status"), wake_at=bindparam("wake_at"), updated_at=bindparam("updated_at"),
            ended_at=bindparam("ended_at")))

INSERT_HUMAN_TASKS = human_tasks.insert().returning(human_tasks.c.id, sort_by_parameter_order=True)

CLOSE_HUMAN_TASKS = (
    human_tasks.update()
    .where(human_tasks.c.instance_id == bindparam("b_instance_id"),
           human_tasks.c.task_id == bindparam("b_task_id"),
           human_tasks.c.state == "READY")
    .values(state=bindparam("state"), completed_at=bindparam("completed_at"),
            completed_by=bindparam("completed_by")))

INSERT_AUDIT = audit_log.insert()

ASSIGN_TASK = (
    human_tasks.update()
    .where(human_tasks.c.id == bindparam("task_ref"), human_tasks.c.state == bindparam("open_state"),
           human_tasks.c.assignee == bindparam("holder"))
    .values(assignee=bindparam("assignee"))
    .returning(human_tasks.c.id))
ASSIGN_UNASSIGNED_TASK = (
    human_tasks.update()
    .where(human_tasks.c.id == bindparam("task_ref"), human_tasks.c.state == bindparam("open_state"),
           human_tasks.c.assignee.is_(None))
    .values(assignee=bindparam("assignee"))
    .returning(human_tasks.c.id))
"""(Un)claiming a task: only if it is still open and still held by whom the caller read (nobody, or `holder`)."""

INSERT_TIMERS = timers.insert()

CLOSE_TIMERS = (
    timers.update()
    .where(timers.c.instance_id == bindparam("b_instance_id"), timers.c.task_id == bindparam("b_task_id"),
           timers.c.state == "WAITING")
    .values(state=bindparam("state"), fired_at=bindparam("fired_at"), claimed_until=None))

_CLAIMABLE = (
    select(timers.c.id)
    .where(timers.c.state == "WAITING", timers.c.due_at < bindparam("now"),
           or_(timers.c.claimed_until.is_(None), timers.c.claimed_until < bindparam("lease_now")))
    .order_by(timers.c.due_at, timers.c.id)
    .limit(bindparam("batch"))
    .with_for_update(skip_locked=True))
"""Due, waiting timers nobody holds a live lease on. PostgreSQL: rows another worker is claiming right now are
skipped, not waited for (SKIP LOCKED); SQLite: the writer's BEGIN IMMEDIATE already serialises claims."""

CLAIM_TIMERS = (
    timers.update()
    .where(timers.c.id.in_(_CLAIMABLE.scalar_subquery()))
    .values(claimed_by=bindparam("worker"), claimed_until=bindparam("claimed_until"))
    .returning(timers.c.id, timers.c.instance_id, timers.c.due_at))

UNTRACKED_DUE_INSTANCES = (
    select(instances.c.id)
    .where(instances.c.status == "running", instances.c.wake_at < bindparam("now"),
           ~exists().where(timers.c.instance_id == instances.c.id))
    .order_by(instances.c.wake_at)
    .limit(bindparam("batch")))
"""Running instances with a due timer but no timers rows: saved before the timers table existed (migration
0003). Waking one writes its rows; two workers waking the same one are kept apart by its row_version."""
