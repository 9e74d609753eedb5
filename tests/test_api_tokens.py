"""The JSON API authenticates with per-user bearer tokens and applies the same scoping as the pages."""
from engine import accounts
from tests.case_support import reservation
from tests.web_support import add_user


def _token(database, username: str) -> str:
    with database.transaction() as session:
        return accounts.issue_token(session, username)


def test_health_needs_no_login(client):
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}


def test_tasks_without_or_with_a_bad_token_is_401_in_japanese(client):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/tasks", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "アクセストークン" in response.get_json()["error"]["message"]


def test_a_token_lists_the_users_open_tasks(client, database, runtime):
    instance = runtime.start("review", "op", data={"age": 80}, ward="nakahara")
    add_user(database, "op", "operator")
    token = _token(database, "op")
    body = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).get_json()
    [task] = body["tasks"]
    assert task["title"] == "予約受付" and task["instance_id"] == instance.id and task["role"] == "operator"
    assert task["form"] == "intake.json" and task["state"] == "READY"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["username"] == "op" and me["role"] == "operator"


def test_a_reissued_token_replaces_the_old_one(client, database):
    add_user(database, "op", "operator")
    old = _token(database, "op")
    new = _token(database, "op")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200


def test_dept_staff_see_only_their_ward_and_department(api):
    case = api.post("/cases", "op", reservation()).get_json()         # 中原区: one pre-check per department
    precheck = {t["department"]: t["id"] for t in case["tasks"]}
    assert {"kumin", "hoken_nenkin"} <= set(precheck)

    def listed(user):
        return [(t["instance_id"], t["department"]) for t in api.get("/tasks", user).get_json()["tasks"]]

    assert listed("kumin_naka") == [(case["id"], "kumin")]
    assert listed("hoken_naka") == [(case["id"], "hoken_nenkin")]
    assert listed("kumin_tama") == []                                   # the same department in another ward
    assert api.get(f"/tasks/{precheck['kumin']}", "kumin_naka").status_code == 200
    assert api.get(f"/tasks/{precheck['kumin']}", "kumin_tama").status_code == 404
    assert api.get(f"/tasks/{precheck['hoken_nenkin']}", "kumin_naka").status_code == 404
