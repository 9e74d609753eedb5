"""Logs are JSON lines without personal data: the demo city's families are booked, pre-checked, visited and looked
at through the pages and the API with every logger at DEBUG (SpiffWorkflow's too), and no line names anyone; by
default SpiffWorkflow's state changes stay out of the logs."""
from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import select

from engine.db.models import ProcessInstance
from engine.logging_setup import configure_logging
from processes.demo.cases import FAMILIES, family_people, seed_demo_cases
from tests.api_support import Api


def _lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def _names() -> set[str]:
    names = set()
    for key in FAMILIES:
        for person in family_people(key).values():
            names.update({person["name"], person["kana"], person["address"]})
            names.update(person["name"].split())   # a surname or given name alone is a leak too
    return {name for name in names if len(name) >= 2}


@pytest.fixture
def captured():
    buffer = io.StringIO()
    handler = configure_logging("DEBUG", "DEBUG", stream=buffer)
    yield buffer
    logging.getLogger().removeHandler(handler)
    configure_logging("INFO", "WARNING")   # as the app configures it


def test_a_demo_journey_logged_at_debug_names_no_family(api_app, case_runtime, browsers, tokens, database, captured):
    captured.seek(0)
    captured.truncate()
    configure_logging("DEBUG", "DEBUG", stream=captured)
    seed_demo_cases(case_runtime)
    with database.transaction(write=False) as session:
        cases = list(session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
    api = Api(api_app.test_client(), tokens)
    for case_id in cases[:6]:
        assert browsers["sv"].get(f"/cases/{case_id}").status_code in (200, 403, 404)
        api.get(f"/cases/{case_id}", "po")
    for name, path in (("op", "/"), ("counter_naka", "/counter/day"), ("kumin_naka", "/"), ("auditor", "/audit")):
        assert browsers[name].get(path).status_code < 500
    try:
        raise ValueError(f"{FAMILIES['closed']['name']} の処理に失敗")   # an error whose message names someone
    except ValueError:
        logging.getLogger("okuyami.test").exception("step failed")

    lines = _lines(captured)   # every line is one JSON object
    text = captured.getvalue()
    assert len(lines) > 50
    assert any(line["logger"].startswith("spiff") for line in lines), "SpiffWorkflow's records were captured"
    assert any(line.get("route") == "/cases/<int:case_id>" and line.get("request_id") for line in lines)
    failed = next(line for line in lines if line.get("message") == "step failed")
    assert failed["error"] == "ValueError" and failed["trace"]
    leaked = sorted(name for name in _names() if name in text)
    assert leaked == [], leaked


def test_by_default_spiffworkflow_state_changes_stay_out_and_its_warnings_come_through(captured):
    buffer = io.StringIO()
    configure_logging("INFO", "WARNING", stream=buffer)
    logging.getLogger("spiff.task").info("State changed to READY", extra={"data": {"name": "川崎 一郎"}})
    logging.getLogger("spiff.workflow").warning("timer event could not be parsed")
    logging.getLogger("okuyami.requests").info(json.dumps({"route": "/cases/<int:case_id>", "status": 200}))
    logging.getLogger("waitress").info("Serving on http://127.0.0.1:5000")
    lines = _lines(buffer)
    assert [line["logger"] for line in lines] == ["spiff.workflow", "okuyami.requests", "waitress"]
    assert lines[1]["route"] == "/cases/<int:case_id>" and lines[1]["status"] == 200 and "message" not in lines[1]
    assert all(line["at"].endswith("+09:00") for line in lines)
    assert "川崎" not in buffer.getvalue()


def test_under_gunicorn_s_json_config_each_record_is_one_line(captured):
    import logging.config
    import runpy

    from engine.settings import PROJECT_ROOT
    config = runpy.run_path(str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
    logging.config.dictConfig(config["logconfig_dict"])   # what gunicorn does before it loads the app
    buffer = io.StringIO()
    configure_logging("INFO", "WARNING", stream=buffer)   # what create_app then does
    logging.getLogger("gunicorn.error").info("Booting worker with pid: 1")
    assert [line["message"] for line in _lines(buffer)] == ["Booting worker with pid: 1"]
