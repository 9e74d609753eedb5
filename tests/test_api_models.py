"""POST /api/v1/models/validate and /models/deploy: the file is the body, parsed safely, size-limited, scripts
checked by the sandbox compiler; validate never writes, deploy answers the new version."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.db.models import ModelFile
from engine.registry.xml import MAX_MODEL_BYTES
from engine.settings import PROJECT_ROOT
from tests.support import MIWG_DIR

CASE = (PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn").read_text(encoding="utf-8")
SELECTION = (PROJECT_ROOT / "dmn" / "procedure_selection.dmn").read_text(encoding="utf-8")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MIWG_FILES = sorted(MIWG_DIR.glob("*.bpmn")) or [MIWG_DIR / "missing-reference-suite.bpmn"]
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="lol" name="&lol9;" isExecutable="true"/></bpmn:definitions>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="xxe" name="&secret;" isExecutable="true"/></bpmn:definitions>"""


def case_model(old: str = "", new: str = "") -> bytes:
    assert old in CASE
    return CASE.replace(old, new, 1).encode("utf-8")


def post(api, path: str, user: str | None, content: bytes, **params):
    headers = {"Authorization": f"Bearer {api.tokens[user]}"} if user else {}
    return api.client.post(f"/api/v1/models/{path}", data=content, headers=headers, query_string=params,
                           content_type="application/xml")


def file_versions(database, name: str) -> list[int]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(ModelFile.version).where(ModelFile.name == name).order_by(ModelFile.version)))


@pytest.mark.parametrize("path", MIWG_FILES, ids=lambda p: p.name)
def test_every_miwg_reference_model_is_answered_without_a_server_error(api, path):
    response = post(api, "validate", "po", path.read_bytes())
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is (body["errors"] == [])
    for error in body["errors"]:
        assert set(error) == {"element", "message"} and JAPANESE.search(error["message"])


def test_a_valid_model_validates_without_being_deployed(api, database):
    response = post(api, "validate", "sv", case_model("案件の終了", "案件を閉じる"))
    assert response.status_code == 200 and response.get_json() == {"ok": True, "kind": "bpmn", "errors": []}
    assert file_versions(database, "okuyami_case.bpmn") == [1]


def test_import_os_in_a_script_task_is_an_error_on_that_task(api, database):
    broken = case_model("<bpmn:script>closed_on = today().isoformat()</bpmn:script>",
                        "<bpmn:script>import os\nclosed_on = today().isoformat()</bpmn:script>")
    body = post(api, "validate", "po", broken).get_json()
    assert body["ok"] is False
    assert [e["element"] for e in body["errors"]] == ["close"]
    assert "サンドボックス" in body["errors"][0]["message"]
    refused = post(api, "deploy", "po", broken)
    assert refused.status_code == 422 and refused.get_json()["ok"] is False
    assert file_versions(database, "okuyami_case.bpmn") == [1]


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_tricks_are_refused_without_being_expanded(api, content):
    response = post(api, "validate", "po", content)
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False and "ENTITY" in body["errors"][0]["message"]
    text = response.get_data(as_text=True)
    assert "lollol" not in text and "root:" not in text and len(text) < 2000


def test_a_file_over_the_limit_is_413_and_nothing_is_parsed(api):
    huge = b"<x>" + b" " * MAX_MODEL_BYTES + b"</x>"
    for path in ("validate", "deploy"):
        response = post(api, path, "po", huge)
        assert response.status_code == 413
        assert JAPANESE.search(response.get_json()["error"]["message"])


def test_deploy_answers_the_new_version_and_the_same_file_again_is_unchanged(api, database):
    response = post(api, "deploy", "po", case_model("案件の終了", "案件を閉じる"), comment="終了タスクの名前")
    assert response.status_code == 201
    body = response.get_json()
    assert (body["ok"], body["name"], body["version"]) == (True, "okuyami_case.bpmn", 2)
    assert {"process_id": "okuyami_case", "version": 2} in body["process_versions"]
    again = post(api, "deploy", "po", case_model("案件の終了", "案件を閉じる"))
    assert again.status_code == 200 and again.get_json()["unchanged"] is True
    assert file_versions(database, "okuyami_case.bpmn") == [1, 2]


def test_a_selection_dmn_breaking_an_example_is_refused_with_the_example(api, database):
    from processes.modelling.examples import add_example

    with database.transaction() as session:
        add_example(session, "po", "国保で葬儀", {"health_insurance": "kokuho", "funeral_held": "yes"}, ["HN01"], [])
    broken = SELECTION.replace('<text>"kokuho"</text>', '<text>"kokuho-x"</text>').encode("utf-8")
    response = post(api, "deploy", "po", broken)
    assert response.status_code == 422
    (failure,) = response.get_json()["example_failures"]
    assert failure["title"] == "国保で葬儀" and "「医療保険」=kokuho" in failure["reasons"][0]
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.max(ModelFile.version)).where(
            ModelFile.name == "procedure_selection.dmn")) == 1


@pytest.mark.parametrize(("path", "user", "status"), [
    ("validate", None, 401), ("validate", "op", 403), ("validate", "counter_naka", 403),
    ("deploy", "sv", 403), ("deploy", "auditor", 403), ("deploy", "admin", 403)])
def test_only_process_owners_deploy_and_case_workers_do_not_validate(api, database, path, user, status):
    response = post(api, path, user, case_model("案件の終了", "案件を閉じる"))
    assert response.status_code == status
    assert file_versions(database, "okuyami_case.bpmn") == [1]


def test_an_empty_body_or_unknown_kind_is_400(api):
    assert post(api, "validate", "po", b"").status_code == 400
    assert post(api, "validate", "po", CASE.encode(), kind="xlsx").status_code == 400


def test_a_deeply_nested_tree_is_refused_not_parsed(api):
    deep = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
            + b"<a>" * 5000 + b"</a>" * 5000 + b"</bpmn:definitions>")
    response = post(api, "validate", "po", deep)
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False and "XML として読み込めません" in body["errors"][0]["message"]


def test_a_dmn_is_recognised_and_its_problems_name_the_table(api):
    broken = SELECTION.replace('hitPolicy="COLLECT"', 'hitPolicy="SOMETIMES"', 1).encode("utf-8")
    body = post(api, "validate", "po", broken).get_json()
    assert body["kind"] == "dmn" and body["ok"] is False
    assert [e["element"] for e in body["errors"]] == ["procedure_selection_table"]
    assert "SOMETIMES" in body["errors"][0]["message"]


def test_a_selection_dmn_with_a_broken_cell_is_refused_on_its_rule_before_the_examples_run(api, database):
    from processes.modelling.examples import add_example

    with database.transaction() as session:
        add_example(session, "po", "国保で葬儀", {"health_insurance": "kokuho", "funeral_held": "yes"}, ["HN01"], [])
    broken = SELECTION.replace('<text>"kokuho"</text>', '<text>"kokuho</text>', 1).encode("utf-8")
    response = post(api, "deploy", "po", broken)
    assert response.status_code == 422
    body = response.get_json()
    assert body["example_failures"] == []
    assert body["errors"] and all(e["element"] for e in body["errors"]), body["errors"]
    with database.transaction(write=False) as session:
        assert session.scalar(select(func.max(ModelFile.version)).where(
            ModelFile.name == "procedure_selection.dmn")) == 1
