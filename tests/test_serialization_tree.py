"""The stored workflow is built without SpiffWorkflow's generic converter walk, and must still be exactly what
SpiffWorkflow's own serializer writes for the same workflow (less the spec, which lives once per version)."""
from __future__ import annotations

import json
import zlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from engine import crypto
from engine.serialization import WorkflowCodec
from tests.support import fixture_sources


@pytest.fixture
def all_models(runtime, database, registry):
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("precheck.bpmn", "reminder.bpmn"), actor="test-setup")
    return runtime


def stored_workflows(runtime, instance_id):
    """The workflow as stored, loaded back into SpiffWorkflow objects."""
    with runtime.db.engine.connect() as c:
        sealed, version_id = c.execute(text("SELECT workflow, process_version_id FROM process_instances"
                                            " WHERE id = :i"), {"i": instance_id}).one()
    with runtime.db.transaction(write=False) as s:
        version = runtime.registry.versions.get(s, version_id)
        specs = runtime.registry.specs_for(s, version)
    blob = crypto.keyring().decrypt(bytes(sealed))
    return blob, runtime.registry.codec.load_workflow(blob, *specs, runtime.script_engine)


def assert_as_spiffworkflow_writes_it(codec: WorkflowCodec, blob: bytes, workflow) -> None:
    ours = json.loads(zlib.decompress(blob))
    stock = json.loads(codec.stock_json(workflow))
    stock.pop("spec"), stock.pop("subprocess_specs")
    assert ours == stock
    assert json.loads(zlib.decompress(codec.dump_workflow(workflow))) == ours, "dump -> load -> dump is stable"


def cases_at_every_step(rt):
    """Cases of every fixture model, stored after each of their steps: a decision, a script, a multi-instance
    task, a waiting timer, data with dates, nested lists and Japanese text, an ended side branch."""
    review = rt.start("review", "op", data={"age": 70, "applicant": {"name": "川崎花子", "kana": ["カワサキ"]}},
                      ward="nakahara")
    yield review.id
    for data in ({"procedures": ["JU03", "HN01"], "seen": {"on": "2025-04-01", "by": [1, 2.5, None]}},
                 {"checked": True}, {"done": True}):
        [task] = rt.list_tasks(instance_id=review.id)
        rt.complete_task(task.id, data, "op")
        yield review.id
    precheck = rt.start("precheck_by_department", "op", data={"departments": ["kumin", "hoken_nenkin"]},
                        ward="nakahara")
    yield precheck.id
    first = rt.list_tasks(instance_id=precheck.id)[0]
    rt.complete_task(first.id, {"result": "confirmed"}, "kumin1")
    yield precheck.id
    reminder = rt.start("reminder", "op", data={"due": datetime(2025, 4, 1, tzinfo=timezone.utc).isoformat()})
    yield reminder.id
    rt.cancel(reminder.id, "op", reason="テスト")
    yield reminder.id


def test_the_stored_workflow_is_what_spiffworkflow_would_write_less_the_spec(all_models):
    rt = all_models
    checked = 0
    for instance_id in cases_at_every_step(rt):
        blob, workflow = stored_workflows(rt, instance_id)
        assert_as_spiffworkflow_writes_it(rt.registry.codec, blob, workflow)
        checked += 1
    assert checked == 8


def test_values_outside_json_still_go_through_spiffworkflows_converters(runtime):
    case = runtime.start("review", "op", data={"age": 70})
    _blob, workflow = stored_workflows(runtime, case.id)
    moment = datetime(2025, 4, 1, 9, 30, tzinfo=timezone.utc)
    workflow.data.update(received={"at": moment}, callback=len)
    workflow.task_tree.internal_data["seen_at"] = [moment]
    codec = runtime.registry.codec
    blob = codec.dump_workflow(workflow)

    assert_as_spiffworkflow_writes_it(codec, blob, workflow)
    stored = json.loads(zlib.decompress(blob))
    assert stored["data"]["received"] == {"at": {"value": moment.isoformat(), "typename": "datetime"}}
