"""Drafts: "下書き保存" keeps a half-filled form per task and person, encrypted; it comes back when the form is
opened again, is nobody else's, and is gone once the task is completed."""
from sqlalchemy import text

from processes.okuyami.cases import start_case
from tests.page_support import page_csrf, text_of


def _booking_task(app):
    runtime = app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    [task] = runtime.list_tasks(instance_id=case.id)
    return task


def _save(client, task_id, fields, action="draft"):
    path = f"/tasks/{task_id}/form"
    return client.post(path, data={"csrf_token": page_csrf(client, path), "action": action, **fields})


def _drafts(database):
    with database.transaction(write=False) as session:
        return session.execute(text("SELECT task_id, username, data FROM task_drafts")).all()


def test_a_saved_draft_comes_back_when_the_form_is_opened_again(api_app, browsers, database):
    task = _booking_task(api_app)
    half = {"deceased.name": "川崎 太郎", "deceased.kana": "カワサキ タロウ", "relationship": "長女",
            "date_of_death": "2026-11-20", "representative_heir": "false"}
    saved = _save(browsers["op"], task.id, half)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/tasks/{task.id}/form"
    page = text_of(browsers["op"].get(f"/tasks/{task.id}/form"))
    assert "下書きを保存しました" in page and "に保存した下書きを復元しました" in page
    assert 'value="川崎 太郎"' in page and 'value="カワサキ タロウ"' in page and 'value="2026-11-20"' in page
    assert 'value="false" checked' in page
    assert _save(browsers["op"], task.id, {**half, "relationship": "長男"}).status_code == 302
    [draft] = _drafts(database)                                             # saved again: still one draft
    assert 'value="長男"' in text_of(browsers["op"].get(f"/tasks/{task.id}/form"))
    assert "川崎".encode() not in bytes(draft.data) and "長男".encode() not in bytes(draft.data)   # encrypted


def test_a_draft_is_the_persons_own(api_app, browsers):
    task = _booking_task(api_app)
    _save(browsers["op"], task.id, {"deceased.name": "川崎 太郎"})
    page = text_of(browsers["sv"].get(f"/tasks/{task.id}/form"))
    assert "川崎 太郎" not in page and "下書きを復元しました" not in page


def test_completing_the_task_deletes_its_drafts(api_app, browsers, database, api):
    from tests.api_support import reservation

    api.tokens["op"]                                                        # the account, with an API token
    task = _booking_task(api_app)
    _save(browsers["op"], task.id, {"deceased.name": "川崎 太郎"})
    _save(browsers["sv"], task.id, {"deceased.name": "川崎 次郎"})
    assert len(_drafts(database)) == 2
    invalid = api.post(f"/tasks/{task.id}/complete", "op", reservation(death_registered_on="2026-11-01"))
    assert invalid.status_code == 422 and len(_drafts(database)) == 2     # not completed: the drafts stay
    assert api.post(f"/tasks/{task.id}/complete", "op", reservation()).status_code == 200
    assert _drafts(database) == []


def test_a_draft_is_not_validated_but_completion_is(api_app, browsers, database):
    task = _booking_task(api_app)
    assert _save(browsers["op"], task.id, {"deceased.kana": "川崎"}).status_code == 302
    refused = _save(browsers["op"], task.id, {"deceased.kana": "川崎"}, action="complete")
    assert refused.status_code == 422 and "フリガナは全角カタカナで入力してください" in text_of(refused)
    assert len(_drafts(database)) == 1
