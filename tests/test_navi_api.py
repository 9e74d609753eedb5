"""The public navi, as a family's browser or an integrating system uses it: no login, JSON in and out."""
import json

import pytest
from click.testing import CliRunner

from web.cli import main


@pytest.fixture
def client(api_app):
    """The staff app with the repository's models deployed (the navi evaluates the deployed selection table)."""
    return api_app.test_client()


def test_post_navi_evaluate_needs_no_login_and_returns_the_procedure_list(client):
    response = client.post("/api/v1/navi/evaluate", json={"household_head": "yes",
                                                          "household_members_15plus_remaining": 2,
                                                          "health_insurance": "kouki", "funeral_held": "yes"})
    assert response.status_code == 200
    procedures = response.get_json()
    by_id = {p["id"]: p for p in procedures}
    assert {"JU01", "JU03", "HN01"} <= set(by_id)
    assert set(by_id["HN01"]) == {"id", "name", "department", "needs_confirmation", "reason"}
    assert by_id["HN01"]["department"] == "hoken_nenkin" and by_id["HN01"]["needs_confirmation"] is False


def test_bad_answers_get_a_400_naming_each_key_never_a_500(client):
    response = client.post("/api/v1/navi/evaluate", json={"household_head": "perhaps", "shoe_size": 27})
    assert response.status_code == 400
    body = response.get_json()
    assert {e["field"] for e in body["errors"]} == {"household_head", "shoe_size"}
    for body_text in ("not json", "[1, 2]", '"text"'):
        response = client.post("/api/v1/navi/evaluate", data=body_text, content_type="application/json")
        assert response.status_code == 400


def test_cli_prints_the_same_result_as_the_api(client, tmp_path, instance_dir):
    answers = {"cards": ["mynumber_card"], "atomic_bomb_survivor": "no", "health_insurance": "employee"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "navi", "evaluate", "--answers", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == client.post("/api/v1/navi/evaluate", json=answers).get_json()


def test_cli_names_the_bad_key(tmp_path, instance_dir):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"funeral_held": "tomorrow"}), encoding="utf-8")
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "navi", "evaluate", "--answers", str(path)])
    assert result.exit_code == 1 and "funeral_held" in result.output
