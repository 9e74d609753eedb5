# ruff: noqa: F811 - the browsers fixture is imported for HEAD, where tests.page_support is not yet a plugin
"""Issue #13, 6: a GET changes nothing. Asking for a packet's status or PDF does not queue its generation (a POST
does, and the worker does for the cases waiting for their visit); opening a closed task's form does not delete its
drafts (the worker's pass does)."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from processes.documents import jobs
from processes.okuyami.cases import start_case
from processes.tasks.drafts.jobs import discard_drafts_of_closed_tasks
from tests.packet_support import RecordingPool
from tests.page_support import (
    browsers,  # noqa: F401 - fixture
    new_case,
    page_csrf,
    text_of,
)
from tests.test_case_process import precheck_everything  # (moving to tests.case_support)


@pytest.fixture
def queued(monkeypatch):
    """The case ids whose packet was requested."""
    asked: list[int] = []
    monkeypatch.setattr(jobs.requests, "pool_factory", RecordingPool)
    original = jobs.requests.request

    def record(database, runtime, case_id, *rest):
        asked.append(case_id)
        return original(database, runtime, case_id, *rest)

    monkeypatch.setattr(jobs.requests, "request", record)
    yield asked
    jobs.requests.wait(60)


@pytest.fixture
def case_at_visit(api_app):
    case_id = new_case(api_app)
    runtime = api_app.extensions["okuyami"].runtime
    precheck_everything(runtime, runtime.get_instance(case_id))
    return case_id


def test_reading_a_packet_queues_nothing_and_a_post_queues_it(api, browsers, queued, case_at_visit):
    assert api.tokens["counter_naka"]          # the account first, then its browser signs in
    counter = browsers["counter_naka"]

    assert counter.get(f"/cases/{case_at_visit}/packet/status").status_code == 200
    assert counter.get(f"/cases/{case_at_visit}/packet.pdf").status_code == 409
    assert api.get(f"/cases/{case_at_visit}/packet.pdf", "counter_naka").status_code == 409
    assert queued == []

    token = {"X-CSRFToken": page_csrf(counter, "/notifications")}
    assert counter.post(f"/cases/{case_at_visit}/packet/request", headers=token).status_code == 200
    assert queued == [case_at_visit]
    assert api.post(f"/cases/{case_at_visit}/packet", "counter_naka").status_code == 202


def test_a_post_without_the_pages_token_is_refused(browsers, queued, case_at_visit):
    response = browsers["counter_naka"].post(f"/cases/{case_at_visit}/packet/request")

    assert response.status_code == 400 and queued == []


def test_the_visit_screen_asks_for_the_packet_by_post(browsers, case_at_visit):
    page = text_of(browsers["counter_naka"].get(f"/cases/{case_at_visit}/visit"))

    assert f'hx-post="/cases/{case_at_visit}/packet/request"' in page


def _drafts(database):
    with database.transaction(write=False) as session:
        return session.execute(text("SELECT task_id FROM task_drafts")).scalars().all()


def test_opening_a_closed_tasks_form_keeps_its_drafts_until_the_workers_pass(api_app, browsers, database):
    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    [task] = runtime.list_tasks(instance_id=case.id)
    operator = browsers["op"]
    path = f"/tasks/{task.id}/form"
    saved = operator.post(path, data={"csrf_token": page_csrf(operator, path), "action": "draft",
                                      "deceased.name": "川崎 太郎"})
    assert saved.status_code == 302 and _drafts(database) == [task.id]
    runtime.cancel(case.id, "op", "テスト")

    closed = operator.get(path)

    assert closed.status_code == 200 and _drafts(database) == [task.id]
    assert discard_drafts_of_closed_tasks(database) == 1
    assert _drafts(database) == []
