"""Issue #13, 3: the requests that answered 500 answer 400 or 404 with a Japanese message: dates at year 1, JSON
nested beyond Python's recursion limit, ids beyond 64 bits."""
from __future__ import annotations

import pytest

from tests.page_support import page_csrf

DEEP = "[" * 100000
TOO_BIG = 2**64 + 1


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def test_tasks_due_before_year_one_is_a_400_naming_the_filter(api):
    response = api.get("/tasks?due_before=0001-01-01", "sv")

    assert response.status_code == 400
    [error] = response.get_json()["errors"]
    assert error["field"] == "due_before" and _japanese(error["message"])


def test_moving_a_case_to_year_one_is_refused_naming_the_slot(api):
    from tests.api_support import reservation

    case = api.post("/cases", "op", reservation()).get_json()
    response = api.post(f"/cases/{case['id']}/move", "op", {"slot_start": "0001-01-01T00:00:00+09:00"})

    assert response.status_code == 422, response.get_json()  # the API's answer to every invalid field
    assert "slot_start" in {e["field"] for e in response.get_json()["errors"]}


@pytest.mark.parametrize("path, user", [("/navi/evaluate", None), ("/cases", "op"), ("/tasks/1/complete", "sv")])
def test_json_nested_beyond_the_recursion_limit_is_a_400(api, path, user):
    response = api.post(path, user, data=DEEP, content_type="application/json")

    assert response.status_code == 400
    body = response.get_json()
    assert _japanese(body["error"]["message"])


@pytest.mark.parametrize("path", [f"/cases/{TOO_BIG}", f"/tasks/{TOO_BIG}", f"/cases/{2**63}/packet.pdf"])
def test_api_ids_beyond_64_bits_are_404(api, path):
    response = api.get(path, "sv")

    assert response.status_code == 404
    assert _japanese(response.get_json()["error"]["message"])


def test_page_ids_beyond_64_bits_are_404(browsers):
    owner, clerk = browsers["po"], browsers["op"]
    token = page_csrf(owner, "/notifications")

    assert owner.get(f"/model-examples/{TOO_BIG}/edit").status_code == 404
    assert owner.post(f"/model-examples/{TOO_BIG}/delete", data={"csrf_token": token}).status_code == 404
    token = page_csrf(clerk, "/notifications")
    response = clerk.post(f"/notifications/{TOO_BIG}/read", data={"csrf_token": token})
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)
    assert clerk.get(f"/notifications/{2**63 - 1}").status_code in (404, 405)
