"""The permission matrix of the case, task and slot endpoints: anonymous 401, wrong role 403, another ward's
(or department's) object 404 so that its existence is never revealed."""
import pytest

from tests.api_support import fields, reservation, walk_in

NO_CASE_DATA = ("po", "admin", "auditor")


@pytest.fixture
def case(api):
    return api.post("/cases", "op", reservation()).get_json()


def _precheck(case, department):
    return next(t for t in case["tasks"] if t["department"] == department)


def test_anonymous_is_401_everywhere(api, case):
    task = case["tasks"][0]["id"]
    calls = [("get", f"/cases/{case['id']}"), ("post", "/cases"), ("get", "/tasks"), ("get", f"/tasks/{task}"),
             ("post", f"/tasks/{task}/claim"), ("post", f"/tasks/{task}/complete"), ("get", "/slots?ward=tama")]
    for method, path in calls:
        response = getattr(api, method)(path, None)
        assert response.status_code == 401, path
        assert "アクセストークン" in response.get_json()["error"]["message"]


def test_who_may_create_which_case(api):
    for user in ("counter_naka", "kumin_naka", *NO_CASE_DATA):
        assert api.post("/cases", user, reservation()).status_code == 403, user
    for user in ("kumin_naka", *NO_CASE_DATA):
        assert api.post("/cases", user, walk_in()).status_code == 403, user
    for user in ("op", "sv"):                 # they book by phone: without a slot it is a booking missing its slot
        response = api.post("/cases", user, walk_in())
        assert (response.status_code, fields(response)) == (422, {"slot_start"}), user
    assert api.post("/cases", "counter_tama", walk_in()).status_code == 403   # another ward's walk-in
    assert api.post("/cases", "counter_tama", walk_in(ward="tama")).status_code == 201


def test_who_may_read_a_case(api, case):
    path = f"/cases/{case['id']}"
    for user in ("op", "sv", "counter_naka"):
        assert api.get(path, user).get_json()["personal_data"]["deceased"]["name"] == "川崎 太郎", user
    staff = api.get(path, "kumin_naka").get_json()
    assert staff["personal_data"] is None and {t["department"] for t in staff["tasks"]} == {"kumin"}
    for user in NO_CASE_DATA:   # "not found", as for a case that does not exist (issue #13, 4)
        assert api.get(path, user).status_code == 404, user
    for user in ("counter_tama", "kumin_tama"):
        response = api.get(path, user)
        assert response.status_code == 404, user
        assert response.get_json() == api.get("/cases/999999", user).get_json()


def test_who_may_see_claim_and_complete_a_precheck(api, case):
    kumin = _precheck(case, "kumin")["id"]
    for user in NO_CASE_DATA:
        for method, path in (("get", f"/tasks/{kumin}"), ("get", "/tasks"), ("post", f"/tasks/{kumin}/claim")):
            assert getattr(api, method)(path, user).status_code == 403, (user, path)
    for user in ("hoken_naka", "kumin_tama", "counter_naka", "op"):
        for method, path in (("get", f"/tasks/{kumin}"), ("post", f"/tasks/{kumin}/claim"),
                             ("post", f"/tasks/{kumin}/complete")):
            response = getattr(api, method)(path, user) if method == "get" else api.post(path, user, {})
            assert response.status_code == 404, (user, path)
    assert kumin not in {t["id"] for t in api.get("/tasks", "hoken_naka").get_json()["tasks"]}
    assert api.get("/tasks/999999", "kumin_naka").status_code == 404
    assert api.get("/tasks/99999999999999999999", "kumin_naka").status_code == 404
    assert api.get("/cases/99999999999999999999", "op").status_code == 404
    assert api.get(f"/tasks/{kumin}", "kumin_naka").status_code == 200
    assert api.post(f"/tasks/{kumin}/claim", "kumin_naka").status_code == 200


def test_who_may_see_slots(api):
    for user in ("op", "sv", "counter_tama"):
        assert api.get("/slots?ward=nakahara", user).status_code == 200, user
    for user in ("kumin_naka", *NO_CASE_DATA):
        assert api.get("/slots?ward=nakahara", user).status_code == 403, user


def test_slots_list_start_end_capacity_and_bookings(api, case):
    body = api.get("/slots?ward=nakahara&from=2026-12-03&to=2026-12-04", "op").get_json()
    starts = [s["start"] for s in body["slots"]]
    assert starts[0].startswith("2026-12-03T") and starts[-1].startswith("2026-12-04T")
    taken = next(s for s in body["slots"] if s["start"] == case["summary"]["slot_start"])
    assert taken["booked"] == 1 and set(taken) == {"start", "end", "available", "capacity", "booked"}
    # nothing before the earliest bookable day (4 business days after 2026-11-24)
    early = api.get("/slots?ward=nakahara&from=2026-11-24&to=2026-11-30", "op").get_json()["slots"]
    assert all(s["start"] >= "2026-11-30" for s in early)
    bad = api.get("/slots?ward=osaka&from=tomorrow&to=2026-13-01", "op")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"ward", "from", "to"}
    assert api.get("/slots?ward=tama&from=2026-12-10&to=2026-12-01", "op").status_code == 400
    assert api.get("/slots?ward=tama&from=2026-12-01&to=2029-12-01", "op").status_code == 400
