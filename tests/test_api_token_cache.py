"""An app process keeps who each bearer token stood for, checked again in the first statement of every request's
first transaction: a token reissued, a user deactivated or changed by anyone (another app process, the CLI) counts
from the very next request, and a request refused that way has committed nothing."""
from sqlalchemy import event, func, select, update

from engine import accounts
from engine.db.models import User
from processes.callcentre.models import ContactRecord
from tests.api_support import reservation


def _behind_the_apps_back(database, username: str, **values) -> None:
    """A change to the user's row the serving process does not hear of (as another process or the CLI makes it)."""
    with database.transaction() as session:
        session.execute(update(User).where(User.username == username).values(**values))


def _contacts(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(ContactRecord))


def _contact() -> dict:
    return {"channel": "phone", "counterpart_type": "citizen", "outcome": "answered",
            "started_at": "2026-12-01T10:00:00+09:00", "ended_at": "2026-12-01T10:05:00+09:00",
            "category": "おくやみコーナーの予約・案内", "question": "持ち物", "answer": "案内した"}


def test_a_token_reissued_elsewhere_stops_working_on_the_next_request(api, database):
    assert api.get("/tasks", "op").status_code == 200 and api.get("/me", "op").status_code == 200
    with database.transaction() as session:
        accounts.issue_token(session, "op")            # the old token in api.tokens is no longer stored
    assert api.get("/tasks", "op").status_code == 401
    assert api.get("/me", "op").status_code == 401  # a view that opens no transaction is checked after it


def test_a_user_deactivated_elsewhere_is_refused_and_the_refused_request_commits_nothing(api, database):
    assert api.post("/contacts", "op", _contact()).status_code == 201
    before = _contacts(database)
    _behind_the_apps_back(database, "op", active=False)
    refused = api.post("/contacts", "op", _contact())
    assert refused.status_code == 401 and "アクセストークン" in refused.get_json()["error"]["message"]
    assert _contacts(database) == before
    assert api.get("/me", "op").status_code == 401
    _behind_the_apps_back(database, "op", active=True)
    assert api.post("/contacts", "op", _contact()).status_code == 201


def test_a_changed_role_or_ward_counts_from_the_next_request(api, database):
    case = api.post("/cases", "op", reservation()).get_json()          # a 中原区 case
    assert api.get(f"/cases/{case['id']}", "counter_naka").status_code == 200
    assert api.get("/me", "counter_naka").get_json()["ward"] == "nakahara"
    _behind_the_apps_back(database, "counter_naka", ward="tama")
    assert api.get(f"/cases/{case['id']}", "counter_naka").status_code == 404
    assert api.get("/me", "counter_naka").get_json()["ward"] == "tama"
    _behind_the_apps_back(database, "counter_naka", ward="nakahara")
    assert api.get(f"/cases/{case['id']}", "counter_naka").status_code == 200


def test_a_request_refused_before_its_transaction_still_answers_for_the_current_holder(api, database):
    assert api.get("/me", "op").status_code == 200
    assert api.post("/contacts", "op", None).status_code == 400      # no body: refused before any transaction
    _behind_the_apps_back(database, "op", active=False)
    assert api.post("/contacts", "op", None).status_code == 401


def test_a_known_token_costs_the_request_no_transaction_of_its_own(api, database):
    assert api.get("/tasks", "op").status_code == 200
    checkouts = []

    def checkout(*_args):
        checkouts.append(1)

    event.listen(database.engine, "checkout", checkout)
    try:
        assert api.get("/tasks", "op").status_code == 200
    finally:
        event.remove(database.engine, "checkout", checkout)
    assert len(checkouts) == 1
