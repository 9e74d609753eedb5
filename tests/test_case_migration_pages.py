"""The case migration pages: the supervisor sees running cases on older versions with the engine's verdict, moves
the safe ones (one or a batch) and is told why an unsafe one was refused; each attempt is audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry, ProcessInstance
from engine.settings import PROJECT_ROOT
from processes.modelling.service import deploy_model
from tests.page_support import new_case, page_csrf, text_of

CASE = (PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn").read_text(encoding="utf-8")
PAGE = "/case-migrations/okuyami_case"


def deploy(app, old: str, new: str):
    platform = app.extensions["okuyami"]
    assert old in CASE
    with platform.database.transaction() as session:
        assert deploy_model(session, platform.registry, "bpmn", CASE.replace(old, new).encode(), "po", "").ok


def versions(database) -> dict[int, int]:
    with database.transaction(write=False) as session:
        return {i.id: i.process_version.version for i in session.scalars(select(ProcessInstance))}


def test_a_supervisor_moves_a_batch_of_safe_cases_to_the_live_version(browsers, api_app, database):
    first = new_case(api_app, "walk_in", actor="counter_naka")
    second = new_case(api_app, "walk_in", actor="counter_naka")
    deploy(api_app, "案件の終了", "案件を閉じる")  # a step no case has reached yet
    client = browsers["sv"]
    page = text_of(client.get(PAGE))
    assert "移行できます" in page and f'value="{first}"' in page

    response = client.post(PAGE, data={"csrf_token": page_csrf(client, PAGE), "instance_ids": [first, second]})

    assert response.status_code == 200
    assert f"案件 {first}：第1版から第2版へ移行しました" in text_of(response)
    assert versions(database) == {first: 2, second: 2}
    with database.transaction(write=False) as session:
        migrated = session.scalars(select(AuditEntry).where(AuditEntry.action == "instance.migrated")).all()
    assert sorted(a.instance_id for a in migrated) == [first, second] and {a.actor for a in migrated} == {"sv"}


def test_a_case_past_a_changed_step_is_refused_with_the_reason(browsers, api_app, database):
    case = new_case(api_app, "walk_in", actor="counter_naka")  # the walk-in intake is done
    deploy(api_app, 'value="walkin.json"', 'value="booking.json"')
    client = browsers["sv"]
    page = text_of(client.get(PAGE))
    assert "移行できません" in page and "実行済みのタスク「窓口受付・問診」（walkin_intake）が新しい版で変更されています" in page
    assert f'name="instance_ids" value="{case}"' not in page  # no box to tick for an unsafe case

    response = client.post(PAGE, data={"csrf_token": page_csrf(client, PAGE), "instance_ids": [case]})

    assert f"案件 {case}：移行できませんでした" in text_of(response)
    assert versions(database) == {case: 1}
    with database.transaction(write=False) as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "instance.migration_refused")).one()
    assert refused.instance_id == case and refused.actor == "sv"


@pytest.mark.parametrize(("user", "read", "migrate"), [("sv", 200, 200), ("po", 200, 403), ("auditor", 200, 403),
                                                       ("op", 403, 403), ("counter_naka", 403, 403)])
def test_only_supervisors_migrate(browsers, api_app, database, user, read, migrate):
    case = new_case(api_app, "walk_in", actor="counter_naka")
    deploy(api_app, "案件の終了", "案件を閉じる")
    client = browsers[user]
    assert client.get("/case-migrations/").status_code == read
    token = page_csrf(client, "/tasks")  # the session's token, from a page every staff member opens
    assert client.post(PAGE, data={"csrf_token": token, "instance_ids": [case]}).status_code == migrate
    assert versions(database)[case] == (2 if migrate == 200 else 1)
