"""Issue #13, 5: completing a task through the API with fields its form does not have is refused (400, each
unknown field named), and nothing of it reaches the case."""
from __future__ import annotations

from tests.api_support import reservation


def _precheck(api, user="kumin_naka"):
    case = api.post("/cases", "op", reservation()).get_json()
    [task] = [t for t in api.get("/tasks", user).get_json()["tasks"]
              if t["instance_id"] == case["id"] and t["name"] == "precheck"]
    detail = api.get(f"/tasks/{task['id']}", user).get_json()
    decisions = [{"id": p["id"], "action": "confirm"} for p in detail["data"]["assignment"]["procedures"]]
    return case, task, decisions


def test_a_pre_check_with_the_familys_fields_is_refused_naming_each(api):
    case, task, decisions = _precheck(api)

    response = api.post(f"/tasks/{task['id']}/complete", "kumin_naka", {
        "precheck_result": {"decisions": decisions, "stamp": "x"},
        "deceased": {"name": "偽 太郎"}, "applicant": {"name": "偽 花子"}, "ward": "tama"})

    assert response.status_code == 400, response.get_json()
    errors = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(errors) == {"deceased", "applicant", "ward", "precheck_result.stamp"}
    assert all("フォームにない項目" in message for message in errors.values())
    assert api.get(f"/tasks/{task['id']}", "kumin_naka").get_json()["state"] == "READY"
    assert api.get(f"/cases/{case['id']}", "op").get_json()["personal_data"]["deceased"]["name"] != "偽 太郎"


def test_a_pre_check_with_the_forms_fields_only_completes(api):
    _, task, decisions = _precheck(api)

    response = api.post(f"/tasks/{task['id']}/complete", "kumin_naka",
                        {"precheck_result": {"decisions": decisions, "note": "申し送りなし"}})

    assert response.status_code == 200, response.get_json()
