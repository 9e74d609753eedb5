"""A step's statements go straight to the driver on PostgreSQL; a lost connection must still come out as the
database outage SQLAlchemy reports (the web layer answers it with 503 and a Japanese page), leave the case as
it was, and not stop the next step."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.runtime import WorkflowRuntime
from engine.runtime.instance_store import InstanceStore
from tests.support import PG_ADMIN_URL, fixture_sources


@pytest.fixture
def pg_runtime(postgres_database, registry) -> WorkflowRuntime:
    with postgres_database.engine.begin() as connection:
        connection.execute(text("SELECT okuyami_test_empty_every_table()"))  # as conftest's `database` does
    with postgres_database.transaction() as session:
        registry.deploy(session, fixture_sources(), actor="test-setup")
    return WorkflowRuntime(postgres_database, registry, script_timeout_seconds=1.0)


def test_a_connection_lost_mid_step_is_an_outage_and_the_next_step_works(pg_runtime, monkeypatch):
    runtime = pg_runtime
    case = runtime.start("review", "op1", data={"age": 70}, ward="nakahara")
    [intake] = runtime.list_tasks(instance_id=case.id)
    real_read_task = InstanceStore.read_task

    def read_then_lose_the_connection(self, session, task_ref):
        loaded = real_read_task(self, session, task_ref)
        pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return loaded

    monkeypatch.setattr(InstanceStore, "read_task", read_then_lose_the_connection)
    with pytest.raises(OperationalError) as lost:
        runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    monkeypatch.undo()

    assert lost.value.connection_invalidated
    assert runtime.get_instance(case.id).row_version == case.row_version
    done = runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")
    assert done.row_version == case.row_version + 1
