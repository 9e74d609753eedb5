"""The consistency check behind the fault tests names an instance whose stored rows disagree with its workflow."""
from __future__ import annotations

import json
import zlib

from sqlalchemy import text

from engine import crypto
from processes.operations.consistency import disagreements


def test_a_case_whose_stored_data_disagrees_with_its_workflow_is_named(runtime, database):
    case = runtime.start("review", "op1", data={"age": 70, "applicant": {"name": "川崎花子"}}, ward="nakahara")
    runtime.start("review", "op1", data={"age": 81}, ward="tama")   # agrees, so it is not named
    assert disagreements(runtime) == []

    tampered = crypto.keyring().encrypt(zlib.compress(json.dumps({"age": 71}).encode()))
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE process_instances SET case_data = :data WHERE id = :id"),
                           {"data": tampered, "id": case.id})

    assert [(d.instance_id, d.what) for d in disagreements(runtime)] == \
        [(case.id, "the stored case data differs from the workflow")]
