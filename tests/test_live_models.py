"""The deployed models are the live ones: a process owner who deploys a changed selection table sees the booking
screen's live list, the navi (API and CLI) and new cases change together, at once, also in another app process
on the same database; a deployed catalogue names the procedures of both alike; a changed deadline table is followed
by the next case and the next task. Nothing falls back to the repository's files: a database with nothing deployed
says so, in Japanese."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

from click.testing import CliRunner
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.db.models import HumanTask
from engine.registry import ModelSource
from engine.runtime import WorkflowRuntime
from engine.settings import PROJECT_ROOT, load_settings
from processes.calendar.slots import JST
from processes.okuyami.booking import create_case
from processes.okuyami.booking_form import form_fields
from processes.okuyami.catalogue import CATALOGUE_FILE
from processes.okuyami.catalogue_store import deploy_catalogue
from processes.okuyami.task_deadlines import task_deadline
from processes.platform import build_platform
from tests.case_support import reservation
from tests.page_support import page_csrf, text_of
from tests.support import FIXTURE_MODELS
from web import create_app
from web.cli import main

SELECTION = (PROJECT_ROOT / "dmn" / "procedure_selection.dmn").read_text(encoding="utf-8")
DEADLINES = (PROJECT_ROOT / "dmn" / "deadlines.dmn").read_text(encoding="utf-8")
MYNUMBER_RULE = re.compile(r'\s*<rule id="rule_JU05_1">.*?</rule>', re.S)
ANSWERS = {"cards": ["mynumber_card"], "health_insurance": "employee", "atomic_bomb_survivor": "no"}


def without_the_mynumber_card_rule() -> bytes:
    """The selection table with the rule "held a My Number card → JU05" removed."""
    changed, count = MYNUMBER_RULE.subn("", SELECTION)
    assert count == 1
    return changed.encode("utf-8")


def deploy(api, content: bytes):
    response = api.client.post("/api/v1/models/deploy", data=content, content_type="application/xml",
                               headers={"Authorization": f"Bearer {api.tokens['po']}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def instance_folder(tmp_path, database, data_key):
    folder = tmp_path / f"instance-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "test-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    return folder


def navi_ids(client) -> set[str]:
    response = client.post("/api/v1/navi/evaluate", json=ANSWERS)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {p["id"] for p in response.get_json()}


def cli_ids(folder, tmp_path) -> set[str]:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ANSWERS), encoding="utf-8")
    result = CliRunner().invoke(main, ["--instance", str(folder), "navi", "evaluate", "--answers", str(path)])
    assert result.exit_code == 0, result.output
    return {p["id"] for p in json.loads(result.stdout)}


def booking_list(op) -> str:
    token = page_csrf(op, "/bookings/new")
    body = reservation(ANSWERS)
    return text_of(op.post("/bookings/procedures", data=MultiDict([("csrf_token", token), *form_fields(body)])))


def free_slots():
    return iter(f"2026-12-{day:02d}T{time}:00+09:00" for day in (3, 4, 7, 8) for time in ("10:30", "13:00"))


def new_case_ids(platform, slots) -> set[str]:
    """The procedures of a new case booked for the next free slot (a household head with a My Number card)."""
    with platform.database.transaction() as session:
        case = create_case(session, platform.runtime, platform.settings.forms_dir, "booking", "op",
                           reservation(slot_start=next(slots)))
    return {p["id"] for p in platform.runtime.instance_data(case.id)["procedures"]}


def test_a_deployed_selection_table_changes_the_booking_screen_navi_cli_and_new_cases_in_every_app(
        api, api_app, browsers, database, data_key, tmp_path, request):
    first = api_app.extensions["okuyami"]
    folder = instance_folder(tmp_path, database, data_key)
    second = build_platform(load_settings(folder, environ={}))          # another app process, same database
    request.addfinalizer(second.database.dispose)
    second_client = create_app(platform=second).test_client()
    op, slots = browsers["op"], free_slots()
    assert "JU05" in booking_list(op)
    assert "JU05" in navi_ids(api.client) and "JU05" in navi_ids(second_client) and "JU05" in cli_ids(folder, tmp_path)
    assert "JU05" in new_case_ids(first, slots) and "JU05" in new_case_ids(second, slots)

    answer = deploy(api, without_the_mynumber_card_rule())
    assert answer["name"] == "procedure_selection.dmn" and answer["process_versions"] == [
        {"process_id": "okuyami_case", "version": 2}]

    assert "JU05" not in booking_list(op) and "JU03" in booking_list(op)
    assert "JU05" not in navi_ids(api.client) and "JU05" not in navi_ids(second_client)
    assert "JU05" not in cli_ids(folder, tmp_path)
    assert "JU05" not in new_case_ids(first, slots) and "JU05" not in new_case_ids(second, slots)
    assert "JU03" in new_case_ids(second, slots)


def test_a_deployed_catalogue_names_the_procedures_of_the_navi_and_of_new_cases_alike(api, api_app):
    platform, slots = api_app.extensions["okuyami"], free_slots()
    renamed = CATALOGUE_FILE.read_text(encoding="utf-8").replace(
        'name: "マイナンバーカードの返納"', 'name: "マイナンバーカード（個人番号カード）の返納"', 1)
    with platform.database.transaction() as session:
        deploy_catalogue(session, renamed, "po")

    def names(procedures) -> set[str]:
        return {p["name"] for p in procedures if p["id"] == "JU05"}

    navi = api.client.post("/api/v1/navi/evaluate", json=ANSWERS).get_json()
    with platform.database.transaction() as session:
        case = create_case(session, platform.runtime, platform.settings.forms_dir, "booking", "op",
                           reservation(slot_start=next(slots)))
    case_procedures = platform.runtime.instance_data(case.id)["procedures"]
    assert names(navi) == names(case_procedures) == {"マイナンバーカード（個人番号カード）の返納"}


def test_a_deployed_deadline_table_is_followed_by_the_next_case(api, api_app):
    platform = api_app.extensions["okuyami"]

    def escalation_due(slot_start: str) -> str:
        with platform.database.transaction() as session:
            case = create_case(session, platform.runtime, platform.settings.forms_dir, "booking", "op",
                               reservation(slot_start=slot_start))
        return platform.runtime.instance_data(case.id)["precheck_escalation_due"]

    # A visit on Monday 7 Dec: pre-check due Friday 4 Dec 17:00, escalated the next business day at 08:30 ...
    assert escalation_due("2026-12-07T10:30:00+09:00").startswith("2026-12-07T08:30")
    changed = DEADLINES.replace('<outputEntry id="rule_default_precheck_escalation"><text>1</text>',
                                '<outputEntry id="rule_default_precheck_escalation"><text>2</text>', 1)
    assert changed != DEADLINES
    deploy(api, changed.encode("utf-8"))
    # ... and, once the process owner deploys 2 business days, on Tuesday.
    assert escalation_due("2026-12-07T13:00:00+09:00").startswith("2026-12-08T08:30")


VISIT_DEADLINE = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="visit_deadline_definitions" name="期限"
             namespace="http://okuyami.example/test">
  <decision id="visit_deadline" name="受付の期限">
    <decisionTable id="visit_deadline_table" hitPolicy="FIRST">
      <input id="i1" label="区"><inputExpression id="e1" typeRef="string"><text>ward</text></inputExpression></input>
      <output id="o1" name="business_days" typeRef="number" />
      <rule id="r1"><inputEntry id="a1"><text>-</text></inputEntry><outputEntry id="b1"><text>DAYS</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""


def test_a_task_deadline_decision_is_read_from_the_deployed_table_when_the_task_is_created(database, registry):
    review = (FIXTURE_MODELS / "review.bpmn").read_text(encoding="utf-8").replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="intake.json" />',
        '<spiffworkflow:property name="formJsonSchemaFilename" value="intake.json" />'
        '<spiffworkflow:property name="deadlineDecision" value="visit_deadline" />', 1)
    runtime = WorkflowRuntime(database, registry, deadline_policy=task_deadline)

    def deploy_days(days: int) -> None:
        with database.transaction() as session:
            registry.deploy(session, [ModelSource("review.bpmn", review.encode("utf-8")),
                                      ModelSource.from_path(FIXTURE_MODELS / "priority.dmn"),
                                      ModelSource("visit_deadline.dmn",
                                                  VISIT_DEADLINE.replace("DAYS", str(days)).encode("utf-8"))],
                            actor="owner1")

    def intake_due() -> datetime:
        case = runtime.start("review", "op", data={"slot_start": "2026-12-03T10:30:00+09:00", "ward": "nakahara",
                                                   "age": 70}, ward="nakahara")
        with database.transaction(write=False) as session:
            return session.scalars(select(HumanTask.due_at).where(HumanTask.instance_id == case.id)).one()

    deploy_days(1)
    assert intake_due() == datetime(2026, 12, 4, 17, 0, tzinfo=JST)      # Thursday's visit + 1 business day
    deploy_days(3)
    assert intake_due() == datetime(2026, 12, 8, 17, 0, tzinfo=JST)      # + 3: over the weekend


def test_with_nothing_deployed_the_navi_says_so_in_japanese(client, instance_dir, tmp_path):
    """The test app's database holds only the fixture models: no selection table."""
    response = client.post("/api/v1/navi/evaluate", json=ANSWERS)
    assert response.status_code == 503
    message = response.get_json()["error"]["message"]
    assert "procedure_selection" in message and "登録" in message
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ANSWERS), encoding="utf-8")
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "navi", "evaluate", "--answers", str(path)])
    assert result.exit_code == 1 and "登録" in result.output and "Traceback" not in result.output
