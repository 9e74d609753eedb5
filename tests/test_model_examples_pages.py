"""The example interview pages: a process owner adds, edits and deletes examples with the interview form and the
expected procedures; the list shows how each fares on the live models; others only read."""
from __future__ import annotations

import pytest

from processes.modelling.examples import list_examples
from tests.page_support import page_csrf, text_of


def examples(database):
    with database.transaction(write=False) as session:
        return [(e.title, e.answers, e.must_include, e.must_exclude) for e in list_examples(session)]


def add(client, title: str, **fields):
    data = {"csrf_token": page_csrf(client, "/model-examples/new"), "title": title, **fields}
    return client.post("/model-examples/new", data=data)


def test_a_process_owner_adds_an_example_with_the_interview_form(browsers, database):
    response = add(browsers["po"], "世帯主で2人残る", **{
        "answers.household_head": "yes", "answers.household_members_15plus_remaining": "2",
        "answers.cards": ["seal_registration"], "answers.deceased_birth_date": "1950-01-01",
        "expect.JU03": "include", "expect.JU02": "include", "expect.JU04": "exclude", "expect.JU05": ""})
    assert response.status_code == 302
    assert examples(database) == [("世帯主で2人残る", {
        "household_head": "yes", "household_members_15plus_remaining": 2, "cards": ["seal_registration"],
        "deceased_birth_date": "1950-01-01"}, ["JU02", "JU03"], ["JU04"])]
    page = text_of(browsers["po"].get("/model-examples/"))
    assert "世帯主で2人残る" in page and "合格" in page


def test_a_bad_example_is_shown_again_with_japanese_errors_and_nothing_saved(browsers, database):
    response = add(browsers["po"], "", **{"answers.household_members_15plus_remaining": "たくさん"})
    assert response.status_code == 422
    page = text_of(response)
    assert "例の名前を入力してください" in page and "回答に誤りがあります" in page
    assert examples(database) == []


def test_an_example_that_fails_on_the_live_models_says_why(browsers, database):
    add(browsers["po"], "被爆者でない", **{"answers.atomic_bomb_survivor": "no", "expect.FU01": "include"})
    page = text_of(browsers["po"].get("/model-examples/"))
    assert "不合格" in page and "FU01" in page and "「被爆者健康手帳」=no" in page


def test_editing_and_deleting(browsers, database):
    client = browsers["po"]
    add(client, "元の名前", **{"expect.JU01": "include"})
    with database.transaction(write=False) as session:
        example_id = list_examples(session)[0].id
    edit = f"/model-examples/{example_id}/edit"
    form = text_of(client.get(edit))
    assert 'value="元の名前"' in form
    assert client.post(edit, data={"csrf_token": page_csrf(client, edit), "title": "新しい名前",
                                   "expect.JU01": "include"}).status_code == 302
    assert examples(database)[0][0] == "新しい名前"
    delete = f"/model-examples/{example_id}/delete"
    assert client.post(delete, data={"csrf_token": page_csrf(client, "/model-examples/")}).status_code == 302
    assert examples(database) == []
    assert client.get(edit).status_code == 404


@pytest.mark.parametrize(("user", "list_status", "new_status"), [
    ("po", 200, 200), ("sv", 200, 403), ("auditor", 200, 403), ("op", 403, 403)])
def test_who_may_read_and_edit_examples(browsers, user, list_status, new_status):
    assert browsers[user].get("/model-examples/").status_code == list_status
    assert browsers[user].get("/model-examples/new").status_code == new_status
