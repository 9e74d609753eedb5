"""Cases through the JSON API: booked and walk-in cases created in one step, every reservation rule named by
field, double booking of a slot, and a case walked to the visit through the task endpoints."""
import threading
from datetime import timedelta

from sqlalchemy import text

from tests.api_support import VISIT, fields, reservation, walk_in


def test_an_operator_books_a_case_in_one_request(api):
    response = api.post("/cases", "op", reservation())
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["status"] == "running" and case["ward"] == "nakahara"
    assert response.headers["Location"] == f"/api/v1/cases/{case['id']}"
    assert sorted(t["department"] for t in case["tasks"]) == ["hoken_nenkin", "kourei_shogai", "kumin"]
    assert all(t["overdue"] is False and t["due_at"] for t in case["tasks"])   # pre-checks due before the visit
    assert case["summary"]["slot_start"] == VISIT.isoformat() and case["summary"]["channel"] == "booking"
    ids = {p["id"]: p for p in case["procedures"]}
    assert "JU03" in ids and {"needs_confirmation", "reason"} <= set(ids["JU03"])
    assert case["personal_data"]["applicant"]["phone"] == "044-200-0000"


def test_a_counter_registers_a_walk_in_of_its_own_ward(api):
    response = api.post("/cases", "counter_naka", walk_in())
    assert response.status_code == 201, response.get_json()
    [task] = response.get_json()["tasks"]
    assert task["name"] == "visit" and task["ward"] == "nakahara"
    assert response.get_json()["summary"]["channel"] == "walk_in"


def test_a_booking_walked_to_the_visit_through_the_task_endpoints(api, clock):
    case = api.post("/cases", "op", reservation()).get_json()
    for user in ("kumin_naka", "hoken_naka", "sv"):
        for task in api.get("/tasks?department=kourei_shogai" if user == "sv" else "/tasks", user).get_json()["tasks"]:
            if task["instance_id"] != case["id"] or task["name"] != "precheck":
                continue
            detail = api.get(f"/tasks/{task['id']}", user).get_json()
            # the department sees whom it is checking, not the family's phone, account or answers
            assert set(detail["data"]) == {"assignment", "deceased", "date_of_death", "applicant", "relationship"}
            assert detail["data"]["applicant"] == {"name": "川崎 花子"}
            assert detail["form_schema"]["title"] == "事前確認"
            assert api.post(f"/tasks/{task['id']}/claim", user).get_json()["assignee"] == user
            decisions = [{"id": p["id"], "action": "confirm"} for p in detail["data"]["assignment"]["procedures"]]
            done = api.post(f"/tasks/{task['id']}/complete", user, {"precheck_result": {"decisions": decisions}})
            assert done.status_code == 200, done.get_json()
    [visit] = api.get("/tasks", "counter_naka").get_json()["tasks"]
    assert visit["name"] == "visit" and visit["instance_id"] == case["id"]
    detail = api.get(f"/tasks/{visit['id']}", "counter_naka").get_json()
    assert detail["data"]["applicant"]["name"] == "川崎 花子"
    clock.move_to(VISIT + timedelta(minutes=5))                # the family comes on the day of its slot
    assert api.post(f"/cases/{case['id']}/check-in", "counter_naka").status_code == 200
    clock.move_to(VISIT + timedelta(minutes=75))
    done = api.post(f"/tasks/{visit['id']}/complete", "counter_naka", {
        "checked_in_at": (VISIT + timedelta(minutes=5)).isoformat(),
        "checked_out_at": (VISIT + timedelta(minutes=75)).isoformat(),
        "outcomes": [{"id": "JU03", "outcome": "corner"}], "followup_requested": False})
    assert done.status_code == 200, done.get_json()
    closed = api.get(f"/cases/{case['id']}", "op").get_json()
    assert closed["tasks"] == [] and closed["summary"]["checked_out_at"] == (VISIT + timedelta(minutes=75)).isoformat()


RULES = [
    ({"date_of_death": "2026-11-25"}, "date_of_death"),                         # future
    ({"date_of_death": "1930-01-01", "death_registered_on": "1930-01-02"}, "date_of_death"),  # before birth
    ({"death_registered_on": "2026-11-30"}, "death_registered_on"),             # future
    ({"death_registered_on": "2026-11-19"}, "death_registered_on"),             # before death
    ({"deceased": {"name": "川崎 太郎", "kana": "川崎 たろう", "address": "x", "birth_date": "1940-05-05"}},
     "deceased.kana"),                                                        # kanji is not a reading
    ({"applicant": {"name": "川崎 花子", "kana": "Kawasaki", "address": "x", "birth_date": "1968-02-03",
                    "phone": "044-200-0000"}}, "applicant.kana"),
    ({"applicant": {"name": "川崎 花子", "kana": "カワサキ ハナコ", "address": "x", "birth_date": "1968-02-03",
                    "phone": "12345"}}, "applicant.phone"),
    ({"applicant": {"name": "川崎 花子", "kana": "カワサキ ハナコ", "address": "x", "birth_date": "1968-02-03",
                    "phone": "０４４-２００-００００"}}, "applicant.phone"),
    ({"deceased": {"name": "川崎 太郎", "kana": "カワサキ タロウ", "address": "x", "birth_date": "2027-01-01"}},
     "deceased.birth_date"),
    ({"slot_start": "2026-12-03T10:45:00+09:00"}, "slot_start"),                # not a slot time
    ({"slot_start": "2026-11-26T10:30:00+09:00"}, "slot_start"),                # before the 4 business-day lead
    ({"slot_start": "2026-12-05T10:30:00+09:00"}, "slot_start"),                # a Saturday
    ({"slot_start": "2026-12-03T10:30:00"}, "slot_start"),                      # no offset
    ({"slot_start": "tomorrow"}, "slot_start"),
    ({"ward": "yokohama"}, "ward"),
    ({"answers": {"household_head": "maybe"}}, "answers.household_head"),
    ({"answers": {"favourite_colour": "blue"}}, "answers.favourite_colour"),
    ({"date_of_death": "20-11-2026"}, "date_of_death"),
    ({"representative_heir": "yes"}, "representative_heir"),
]


def test_every_reservation_rule_names_its_field(api):
    for changes, field in RULES:
        response = api.post("/cases", "op", reservation(**changes))
        assert response.status_code == 422, (changes, response.get_json())
        body = response.get_json()
        assert field in fields(response), (changes, body)
        assert all(e["message"] for e in body["errors"]) and body["error"]["status"] == 422


def test_a_walk_in_is_checked_by_the_same_rules(api):
    response = api.post("/cases", "counter_naka", walk_in(death_registered_on="2026-11-19"))
    assert response.status_code == 422 and fields(response) == {"death_registered_on"}


def test_a_missing_field_is_named(api):
    body = reservation()
    del body["relationship"], body["deceased"]["kana"]
    response = api.post("/cases", "op", body)
    assert response.status_code == 422
    assert {"relationship", "deceased.kana"} <= fields(response)


def test_a_booking_without_a_slot_names_slot_start(api):
    response = api.post("/cases", "op", walk_in())
    assert response.status_code == 422 and "slot_start" in fields(response)


def test_a_body_that_is_not_an_object_is_400(api):
    for payload in (None, [], "text", 42):
        response = api.post("/cases", "op", payload) if payload is not None else api.client.post(
            "/api/v1/cases", headers={"Authorization": f"Bearer {api.tokens['op']}",
                                      "Content-Type": "application/json"}, data="{not json")
        assert response.status_code == 400, payload
        assert fields(response) == {"body"}


def test_the_last_place_of_a_slot_goes_to_one_booking_only(api):
    [slot] = [s for s in api.get("/slots?ward=nakahara&from=2026-12-03&to=2026-12-03", "op").get_json()["slots"]
              if s["start"] == VISIT.isoformat()]
    for _ in range(slot["capacity"] - 1):
        assert api.post("/cases", "op", reservation()).status_code == 201
    first = api.post("/cases", "op", reservation())
    second = api.post("/cases", "sv", reservation())
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.get_json()["errors"] == [{"field": "slot_start",
                                            "message": "この予約枠はすでに埋まっています。別の枠を選んでください。"}]
    [full] = [s for s in api.get("/slots?ward=nakahara&from=2026-12-03&to=2026-12-03", "op").get_json()["slots"]
              if s["start"] == VISIT.isoformat()]
    assert (full["available"], full["booked"]) == (False, slot["capacity"])


def test_two_simultaneous_requests_for_the_last_place_one_wins(api, api_app):
    api.tokens["sv"]  # accounts first: both threads only book
    capacity = api.get("/slots?ward=nakahara&from=2026-12-03&to=2026-12-03", "op").get_json()["slots"][0]["capacity"]
    for _ in range(capacity - 1):
        assert api.post("/cases", "op", reservation()).status_code == 201
    barrier = threading.Barrier(2)
    statuses = []

    def book(user):
        client = api_app.test_client()
        barrier.wait()
        response = client.post("/api/v1/cases", json=reservation(),
                               headers={"Authorization": f"Bearer {api.tokens[user]}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=book, args=(user,)) for user in ("op", "sv")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]


def test_a_rejected_booking_leaves_nothing_behind(api, database):
    assert api.post("/cases", "op", reservation(date_of_death="2030-01-01")).status_code == 422
    with database.transaction(write=False) as session:
        assert session.execute(text("SELECT count(*) FROM process_instances")).scalar() == 0


def test_each_read_of_a_case_with_personal_data_is_audited(api, database):
    case = api.post("/cases", "op", reservation()).get_json()
    for user in ("op", "sv", "counter_naka"):
        assert api.get(f"/cases/{case['id']}", user).status_code == 200
    body = api.get(f"/cases/{case['id']}", "kumin_naka").get_json()
    assert body["personal_data"] is None and "applicant" not in body["summary"]
    with database.transaction(write=False) as session:
        actors = session.execute(text("SELECT actor FROM audit_log WHERE action = 'case.viewed' "
                                      "AND instance_id = :i ORDER BY id"), {"i": case["id"]}).scalars().all()
    assert actors == ["op", "op", "sv", "counter_naka"]     # the creator's answer included the case too
