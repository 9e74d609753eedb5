"""The audit log: every action leaves a row (who, what, which case and task, digests of the data), never the
personal data itself, and the database refuses to change or delete a row on every backend."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.db.models import AuditEntry
from engine.runtime.audit import digest

NAME, ADDRESS, PHONE = "山田太郎", "川崎市幸区戸手本町1-11-1", "090-1234-5678"


def entries(runtime, instance_id=None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if instance_id is not None:
        query = query.where(AuditEntry.instance_id == instance_id)
    with runtime.db.transaction(write=False) as s:
        return list(s.scalars(query))


def summary(entry: AuditEntry) -> tuple:
    return entry.actor, entry.action, entry.instance_id, entry.task_id


def test_each_action_writes_who_did_what_to_which_case_and_task(runtime):
    start_data = {"age": 70, "applicant": {"name": NAME}}
    case = runtime.start("review", "op1", data=start_data, ward="nakahara")
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.claim(intake.id, "op2")
    runtime.unclaim(intake.id, "op2")
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op3")
    [precheck] = runtime.list_tasks(instance_id=case.id)
    runtime.cancel(case.id, "sv1", reason="family withdrew")

    log = entries(runtime, case.id)
    assert [summary(e) for e in log] == [
        ("op1", "instance.started", case.id, None),
        ("op2", "task.claimed", case.id, intake.task_id),
        ("op2", "task.unclaimed", case.id, intake.task_id),
        ("op3", "task.completed", case.id, intake.task_id),
        ("sv1", "instance.cancelled", case.id, None),
    ]
    started, _, _, completed, cancelled = log
    assert (started.before_digest, started.after_digest) == (None, digest(start_data))
    assert completed.before_digest == digest(start_data)
    assert completed.after_digest == digest({**start_data, "procedures": ["JU03"]})
    assert started.detail == {"process_id": "review", "version": 1}
    assert completed.detail == {"task": "intake"} and cancelled.detail == {"reason_given": True}
    # The free-text reason may name people: it is kept in the encrypted case, never in the audit log.
    assert all("family withdrew" not in str((e.detail, e.actor, e.action)) for e in log)
    assert all(e.at is not None for e in log)
    assert precheck.task_id not in {e.task_id for e in log}


@pytest.mark.parametrize("submitted, changed", [({"procedures": ["JU03"]}, True), ({"age": 70}, False), ({}, False)])
def test_completion_digests_differ_exactly_when_the_data_changed(runtime, submitted, changed):
    case = runtime.start("review", "op1", data={"age": 70})
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(intake.id, submitted, "op1")

    [completed] = [e for e in entries(runtime, case.id) if e.action == "task.completed"]
    assert completed.before_digest and completed.after_digest
    assert (completed.before_digest != completed.after_digest) is changed


def test_the_audit_log_holds_no_personal_data(runtime):
    personal = {"name": NAME, "address": ADDRESS, "phone": PHONE}
    case = runtime.start("review", "op1", data={"age": 70, "applicant": personal}, ward="nakahara")
    [intake] = runtime.list_tasks(instance_id=case.id)
    runtime.claim(intake.id, "op1")
    runtime.complete_task(intake.id, {"procedures": ["JU03"], "deceased": NAME}, "op1")
    [precheck] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(precheck.id, {"note": f"{NAME}様 電話 {PHONE}"}, "dept1")
    [visit] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(visit.id, {"address_confirmed": ADDRESS}, "counter1")

    log = entries(runtime)
    assert [e.action for e in log] == ["instance.started", "task.claimed"] + ["task.completed"] * 3
    for entry in log:
        columns = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns}
        as_text = json.dumps(columns, ensure_ascii=False, default=str)
        for value in personal.values():
            assert value not in as_text, entry.action
    with runtime.db.engine.connect() as c:
        raw = " ".join(str(tuple(r)) for r in c.execute(text("SELECT * FROM audit_log")))
    assert all(value not in raw for value in personal.values())


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'intruder', after_digest = NULL WHERE id = :id",
                                       "DELETE FROM audit_log WHERE id = :id",
                                       "DELETE FROM audit_log"], ids=["update", "delete", "delete-all"])
def test_the_database_refuses_to_change_or_delete_audit_rows(runtime, database, statement):
    runtime.start("review", "op1", data={"age": 70})
    [before] = entries(runtime)

    with pytest.raises(DBAPIError, match="append-only"):
        with database.engine.begin() as connection:
            connection.execute(text(statement), {"id": before.id})

    [after] = entries(runtime)
    assert (after.id, summary(after), after.after_digest, after.at) == (before.id, summary(before),
                                                                        before.after_digest, before.at)
