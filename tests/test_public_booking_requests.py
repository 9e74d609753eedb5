"""Online booking requests: the public side lists free slots (counts only), takes a request as JSON or a form and
keeps only ciphertext; `okuyami public pull` (folder or URL) opens it on the staff side and starts a case whose
first task is the operator's confirmation (forms/tasks/web_booking_confirmation.json), with the last-slot guard;
a request that fails validation is kept for the supervisor."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from processes.notifications.models import OutboxMessage
from processes.public.export import export
from processes.public.models import PublicRequest
from processes.public.pull import FolderSource, UrlSource, pull, signing_secret
from tests.case_support import NOW, VISIT, reservation
from web.public import limits
from web.public.app import create_public_app

CONFIRMATION = "web_booking_confirmation.json"


@pytest.fixture
def sides(api_app, database, tmp_path):
    limits.reset()
    out = tmp_path / "public-data"
    with database.transaction() as session:
        export(session, out, NOW.date())
    return {"out": out, "public": create_public_app(out).test_client(), "platform": api_app.extensions["okuyami"]}


def request_body(**changes) -> dict:
    body = reservation(contact_preference="email", **changes)
    body["applicant"] = {**body["applicant"], "email": "hanako@example.jp"}
    return body


def confirmation_tasks(platform):
    return [t for t in platform.runtime.list_tasks() if t.spec_name == "web_request_confirmation"]


def test_a_sealed_request_becomes_the_operators_confirmation_and_the_family_gets_an_email(sides, api, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    page = public.get("/booking?ward=nakahara").get_data(as_text=True)
    assert "中原区役所" in page and "空き1" in page and "10:30から" in page
    sent = public.post("/booking/request", json=request_body())
    assert sent.status_code == 202
    number = sent.get_json()["request_number"]
    [sealed] = (out / "inbox" / "booking").glob("*.sealed")
    assert sealed.stem == number and "川崎".encode() not in sealed.read_bytes() and b"hanako" not in sealed.read_bytes()
    assert "hanako" not in "".join(p.read_text(encoding="utf-8") for p in out.glob("*.json"))

    result = pull(database, platform, FolderSource(out))
    assert (result.booking, result.kept) == (1, 0) and not list((out / "inbox" / "booking").glob("*.sealed"))
    [task] = confirmation_tasks(platform)
    assert (task.role, task.form) == ("operator", CONFIRMATION)

    done = api.post(f"/tasks/{task.id}/complete", "op", json={"decision": "requested", "slot_start": VISIT.isoformat()})
    assert done.status_code == 200, done.get_json()
    data = platform.runtime.instance_data(task.instance_id)
    assert data["channel"] == "booking" and data["procedures"]            # the case goes on like a booking
    with database.transaction(write=False) as session:
        [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.instance_id == task.instance_id))
        assert mail.recipient.decode() == "hanako@example.jp" and number in mail.body.decode()
    assert pull(database, platform, FolderSource(out)).booking == 0        # nothing twice


def test_two_requests_for_the_last_place_only_one_is_confirmed(sides, api, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    for _ in range(2):
        assert public.post("/booking/request", json=request_body()).status_code == 202
    assert pull(database, platform, FolderSource(out)).booking == 2
    first, second = confirmation_tasks(platform)
    body = {"decision": "requested", "slot_start": VISIT.isoformat()}
    assert api.post(f"/tasks/{first.id}/complete", "op", json=body).status_code == 200
    refused = api.post(f"/tasks/{second.id}/complete", "op", json=body)
    assert refused.status_code == 409 and "予約" in json.dumps(refused.get_json(), ensure_ascii=False)
    other = (VISIT + timedelta(days=1)).isoformat()
    proposed = api.post(f"/tasks/{second.id}/complete", "op", json={"decision": "other", "slot_start": other})
    assert proposed.status_code == 200, proposed.get_json()
    assert platform.runtime.instance_data(second.instance_id)["slot_start"] == other


def test_a_request_that_fails_validation_is_kept_for_the_supervisor(sides, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    bad = request_body(date_of_death="2027-01-01")                        # after the visit: the rules refuse it
    assert public.post("/booking/request", json=bad).status_code == 202
    result = pull(database, platform, FolderSource(out))
    assert (result.booking, result.kept) == (0, 1)
    assert not confirmation_tasks(platform)
    with database.transaction(write=False) as session:
        [kept] = session.scalars(select(PublicRequest))
        assert kept.state == "kept" and "予約の申込み内容に誤りがあります" in kept.problem
        assert json.loads(kept.payload)["deceased"]["name"] == "川崎 太郎"   # nothing lost (encrypted at rest)


def test_the_public_side_explains_what_is_missing_and_limits_each_address(sides):
    public = sides["public"]
    missing = public.post("/booking/request", json={"ward": "nakahara"})
    assert missing.status_code == 400
    assert "亡くなられた方のお名前を入力してください。" in missing.get_json()["errors"]
    full = public.post("/booking/request", json=request_body(slot_start=(VISIT - timedelta(days=30)).isoformat()))
    assert full.status_code == 400 and "空いている枠から選んでください" in json.dumps(full.get_json(), ensure_ascii=False)
    form = public.post("/booking/request", data={"slot_choice": f"nakahara|{VISIT.isoformat()}"})
    assert form.status_code == 400 and "入力してください" in form.get_data(as_text=True)
    statuses = [public.post("/booking/request", json=request_body()).status_code for _ in range(limits.LIMITS["booking"] + 1)]
    assert statuses[:-1] == [202] * limits.LIMITS["booking"] and statuses[-1] == 429
    assert public.post("/booking/request", data=b"x" * 70_000, content_type="application/json").status_code == 413


ANOTHER_PROCESS = """
import json, sys
import time_machine
from web.public.app import create_public_app
time_machine.travel(float(sys.argv[3]), tick=False).start()   # the tests' clock
client = create_public_app(sys.argv[1]).test_client()
print(json.dumps([client.post("/booking/request", json=json.loads(sys.argv[2])).status_code for _ in range(2)]))
"""


def test_the_limit_per_address_holds_across_the_public_sides_processes(sides):
    """The public side runs several processes: what one counted, another sees."""
    first = [sides["public"].post("/booking/request", json=request_body()).status_code
             for _ in range(limits.LIMITS["booking"] - 2)]
    other = subprocess.run([sys.executable, "-c", ANOTHER_PROCESS, str(sides["out"]), json.dumps(request_body()),
                            str(time.time())],
                           capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert other.returncode == 0, other.stderr
    assert first + json.loads(other.stdout.splitlines()[-1]) == [202] * limits.LIMITS["booking"]
    assert sides["public"].post("/booking/request", json=request_body()).status_code == 429
    another_address = sides["public"].post("/booking/request", json=request_body(),
                                           environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert another_address.status_code == 202
    window = (sides["out"] / "inbox" / limits.WINDOW_FILE).read_bytes()
    assert b"127.0.0.1" not in window and b"192.0.2.7" not in window


def pull_over_http(database, platform, out):
    """`okuyami public pull --url`: the public side served over HTTP, the pull signed with the city's key."""
    server = make_server("127.0.0.1", 0, create_public_app(out))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return pull(database, platform, UrlSource(f"http://127.0.0.1:{server.server_port}", signing_secret(database)))
    finally:
        server.shutdown()


def test_pull_over_http_is_signed(sides, database):
    out, platform = sides["out"], sides["platform"]
    assert sides["public"].post("/booking/request", json=request_body()).status_code == 202
    assert sides["public"].get("/inbox/items").status_code == 404                  # unsigned: nothing to see
    result = pull_over_http(database, platform, out)
    assert result.booking == 1 and not list((out / "inbox" / "booking").glob("*.sealed"))


def _send_requests(public, count: int, first_address: int = 0) -> None:
    for n in range(first_address, first_address + count):
        sent = public.post("/booking/request", json=request_body(), environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
        assert sent.status_code == 202


def test_a_pull_takes_every_request_waiting_not_only_the_first_batch(sides, database, monkeypatch):
    out, platform = sides["out"], sides["platform"]
    _send_requests(sides["public"], 5)
    result = pull(database, platform, FolderSource(out, batch=2))
    assert (result.booking, result.kept) == (5, 0) and not list((out / "inbox" / "booking").glob("*.sealed"))
    assert len(confirmation_tasks(platform)) == 5

    _send_requests(sides["public"], 3, first_address=10)      # over HTTP, the public side hands out 2 at a time
    monkeypatch.setattr("web.public.inbox.PULL_BATCH", 2)
    result = pull_over_http(database, platform, out)
    assert (result.booking, result.kept) == (3, 0) and not list((out / "inbox" / "booking").glob("*.sealed"))
    assert len(confirmation_tasks(platform)) == 8


def test_the_booking_form_walks_without_script(sides):
    public = sides["public"]
    query = urlencode({"ward": "nakahara", "slot": VISIT.isoformat()})
    form = public.get(f"/booking/request?{query}").get_data(as_text=True)
    assert "確認の質問" in form and f'value="nakahara|{VISIT.isoformat()}" selected' in form


NUMERALS = {word: number for number, word in enumerate(limits._NUMERALS)}


def answer_of(question: str) -> str:
    first, _, rest = question.partition(" たす ")
    return str(NUMERALS[first] + NUMERALS[rest.split(" ")[0]])


def test_a_family_sends_the_form_with_the_human_check(sides, database):
    import re

    public, out = sides["public"], sides["out"]
    page = public.get("/booking/request").get_data(as_text=True)
    question = re.search(r"確認の質問: ([^<]+)</label>", page).group(1)
    token = re.search(r'name="check_token" value="([^"]+)"', page).group(1)
    body = reservation()
    form = {"slot_choice": f"nakahara|{VISIT.isoformat()}", "date_of_death": body["date_of_death"],
            "death_registered_on": body["death_registered_on"],
            "death_registered_municipality": body["death_registered_municipality"],
            "relationship": body["relationship"], "representative_heir": "yes", "contact_preference": "phone",
            **{f"{who}.{key}": value for who in ("deceased", "applicant") for key, value in body[who].items()},
            "check_token": token, "check_answer": "99"}
    wrong = public.post("/booking/request", data=form)
    assert wrong.status_code == 400 and "確認の質問の答えが違います" in wrong.get_data(as_text=True)
    assert "川崎 太郎" in wrong.get_data(as_text=True)                      # what was typed is kept on the page
    sent = public.post("/booking/request", data={**form, "check_answer": answer_of(question)})
    assert sent.status_code == 202 and 'id="request-number"' in sent.get_data(as_text=True)
    assert pull(database, sides["platform"], FolderSource(out)).booking == 1


def test_the_operator_reads_the_request_in_japanese_on_the_task_form(sides, browsers, database):
    import re

    public, out, platform = sides["public"], sides["out"], sides["platform"]
    assert public.post("/booking/request", json=request_body()).status_code == 202
    pull(database, platform, FolderSource(out))
    [task] = confirmation_tasks(platform)
    page = browsers["op"].get(f"/tasks/{task.id}/form").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert "Web予約申込みの確認" in main and "令和8年12月3日（木）10:30" in main and "中原区" in main
    assert "メール" in main and "希望の日時で確定する" in main
    assert "nakahara" not in re.sub(r'(value|name|id|for)="[^"]*"', "", main)
    assert not re.search(r">[^<]*\d{4}-\d{2}-\d{2}T[^<]*<", main)        # no ISO timestamp as text


def test_a_phone_preference_is_confirmed_only_after_the_call(sides, api, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    assert public.post("/booking/request", json=reservation(contact_preference="phone")).status_code == 202
    pull(database, platform, FolderSource(out))
    [task] = confirmation_tasks(platform)
    body = {"decision": "requested", "slot_start": VISIT.isoformat()}
    refused = api.post(f"/tasks/{task.id}/complete", "op", json=body)
    assert refused.status_code == 422 and "電話で伝えてから確定してください" in json.dumps(refused.get_json(),
                                                                                   ensure_ascii=False)
    moved = api.post(f"/tasks/{task.id}/complete", "op", json={**body, "family_contacted": True,
                                                                "slot_start": (VISIT + timedelta(days=1)).isoformat()})
    assert moved.status_code == 422                          # 希望どおり but another slot: said so
    assert api.post(f"/tasks/{task.id}/complete", "op", json={**body, "family_contacted": True}).status_code == 200
    with database.transaction(write=False) as session:
        assert not list(session.scalars(select(OutboxMessage)))                  # told by phone, no e-mail


def test_an_item_the_city_cannot_open_is_kept(sides, database):
    from processes.public import sealing

    out, platform = sides["out"], sides["platform"]
    other_key, _ = sealing.new_box_keys()
    sealing.write_item(out, "booking", "R-AAAA-BBBB", sealing.seal(other_key, {"kind": "booking"}))
    result = pull(database, platform, FolderSource(out))
    assert (result.booking, result.kept) == (0, 1)
    with database.transaction(write=False) as session:
        kept = session.scalars(select(PublicRequest)).one()
        assert kept.number == "R-AAAA-BBBB" and "市の鍵で開けませんでした" in kept.problem


def test_a_pull_signature_cannot_be_replayed_for_another_request(sides, database):
    from processes.public import sealing

    public = sides["public"]
    secret = signing_secret(database)
    listing = sealing.pull_signature(secret, "GET", "/inbox/items")
    assert public.get("/inbox/items", headers={sealing.SIGNATURE_HEADER: listing}).status_code == 200
    body = json.dumps({"names": ["booking/R-AAAA-BBBB"]})
    for header in (listing, sealing.pull_signature(secret, "POST", "/inbox/ack", b"{}"),
                   sealing.pull_signature(secret, "POST", "/inbox/ack", body.encode(), now=0)):
        refused = public.post("/inbox/ack", data=body, content_type="application/json",
                              headers={sealing.SIGNATURE_HEADER: header})
        assert refused.status_code == 404


def test_a_payload_of_the_wrong_shape_is_kept_and_the_pull_goes_on(sides, database):
    public, out, platform = sides["public"], sides["out"], sides["platform"]
    odd = {**request_body(), "answers": ["not", "an", "object"], "answers_code": "11CK-G05J-E000-000Z"}
    assert public.post("/booking/request", json=odd).status_code == 202
    assert public.post("/booking/request", json=request_body()).status_code == 202
    result = pull(database, platform, FolderSource(out))
    assert (result.booking, result.kept) == (1, 1)


def test_a_request_for_a_slot_taken_meanwhile_is_confirmed_on_another(sides, api, api_app, database):
    from tests.page_support import new_case

    public, out, platform = sides["public"], sides["out"], sides["platform"]
    body = request_body()
    body["applicant"] = {**body["applicant"], "kana": "かわさき はなこ"}               # hiragana, as families type
    assert public.post("/booking/request", json=body).status_code == 202
    new_case(api_app)                                              # the phone booking takes the last place first
    assert pull(database, platform, FolderSource(out)).booking == 1
    [task] = confirmation_tasks(platform)
    other = (VISIT + timedelta(days=1)).isoformat()
    done = api.post(f"/tasks/{task.id}/complete", "op", json={"decision": "other", "slot_start": other})
    assert done.status_code == 200, done.get_json()
    data = platform.runtime.instance_data(task.instance_id)
    assert data["slot_start"] == other and data["applicant"]["kana"] == "カワサキ ハナコ"
    assert data["answers"]["deceased_birth_date"] == "1940-05-05"
