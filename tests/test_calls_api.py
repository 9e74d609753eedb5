"""The phone figures through the API and the command line: the document the issue names, roles (an operator gets
their own calls only), clear errors for bad dates, the CSV format, and `okuyami calls import|stats`."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from processes.calls.importer import import_file, import_lines
from tests.support import FIXTURES
from web.cli import main

DAY_LOG = FIXTURES / "calls" / "queue_log_day.txt"
DAY = "from=2026-12-01&to=2026-12-01"
CSV = """call_id,queue,entered_at,answered_at,ended_at,outcome,agent,caller,transferred
x1,okuyami,2026-12-01 09:30:00,2026-12-01 09:30:04,2026-12-01 09:35:04,answered,op,0901111111,0
x2,okuyami,2026-12-01 09:40:00,,2026-12-01 09:40:20,abandoned,,0902222222,0
x3,okuyami,12/01/2026 9:50,,,,,,
""".splitlines(keepends=True)


def test_the_stats_document_as_the_issue_names_it(api, database):
    import_file(database, DAY_LOG)
    body = api.get(f"/calls/stats?{DAY}", "sv").get_json()

    for name in ("offered", "answered", "abandoned", "answered_within_10s", "service_level", "first_contact_resolution",
                 "average_speed_of_answer_s", "average_talk_time_s", "average_handling_time_s"):
        assert name in body
    assert (body["offered"], body["answered_within_10s"], body["first_contact_resolution"]) == (7, 3, None)
    assert body["service_level"] == pytest.approx(3 / 7)
    assert len(body["by_hour"]) == 24 and set(body["by_hour"][9]) == {"hour", "offered", "answered", "handled"}
    assert body["by_hour"][9] == {"hour": 9, "offered": 5, "answered": 3, "handled": 3}


def test_an_operator_gets_the_figures_of_their_own_calls(api, database):
    import_file(database, DAY_LOG)
    result = import_lines(database, CSV, fmt="csv")

    mine = api.get(f"/calls/stats?{DAY}", "op").get_json()
    everyone = api.get(f"/calls/stats?{DAY}", "auditor").get_json()
    assert (result.added, [n for n, _ in result.malformed]) == (2, [4])
    assert (mine["offered"], mine["answered"], mine["average_talk_time_s"]) == (1, 1, 300.0)
    assert everyone["offered"] == 9
    assert api.get(f"/calls/stats?{DAY}", "counter_naka").status_code == 403


@pytest.mark.parametrize("query, field", [("from=2026-12-01", "to"), ("from=12/01&to=2026-12-01", "from"),
                                          ("from=2026-12-02&to=2026-12-01", "to")])
def test_bad_periods_name_the_field_in_japanese(api, database, query, field):
    response = api.get(f"/calls/stats?{query}", "sv")

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == [field] and "日" in errors[0]["message"]


def test_staffing_per_hour(api, database):
    import_file(database, DAY_LOG)
    body = api.get("/calls/staffing?date=2026-12-08", "sv").get_json()        # a week after the fixture's Tuesday
    nine = body["hours"][9]

    assert (nine["forecast_calls"], nine["staffed_seats"]) == (5.0, 0)
    assert nine["required_seats"] >= 1
    assert api.get("/calls/staffing?date=2026-12-01", "sv").get_json()["hours"][9]["staffed_seats"] == 2
    assert api.get("/calls/staffing?date=soon", "sv").status_code == 422
    assert api.get("/calls/staffing?date=2026-12-08", "op").status_code == 403


def test_the_commands_import_and_print_the_figures(instance_dir, database):
    runner = CliRunner()
    base = ["--instance", str(instance_dir), "calls"]
    first = runner.invoke(main, [*base, "import", str(DAY_LOG)])
    again = runner.invoke(main, [*base, "import", str(DAY_LOG), "--format", "queue_log"])
    stats = runner.invoke(main, [*base, "stats", "--from", "2026-12-01", "--to", "2026-12-01", "--json"])
    text = runner.invoke(main, [*base, "stats", "--from", "2026-12-01", "--to", "2026-12-01"])
    bad = runner.invoke(main, [*base, "stats", "--from", "2026/12/01", "--to", "2026-12-01"])

    assert "追加した通話: 7件" in first.output and "不正な行: 2行" in first.output
    assert "10行目" in first.output
    assert "追加した通話: 0件、重複として数えなかった通話: 7件" in again.output
    assert json.loads(stats.stdout)["answered_within_10s"] == 3        # the JSON alone on stdout; logs go to stderr
    assert "受電応答率（目標85%以上）: 42.9%" in text.output and "一次完了率（目標90%以上）: —（対象なし）" in text.output
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
