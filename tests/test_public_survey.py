"""The satisfaction survey: a guidance sheet's token (ward and week only) takes one answer on the public side, the
corner's tablet takes one after another and empties its form; the answers are sealed there, pulled to the staff
side by `okuyami public pull` and counted per ward."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from processes.public import survey
from processes.public.models import SurveyAnswer, SurveyToken
from processes.public.survey_results import satisfaction
from web.cli import main
from web.public import limits
from web.public.app import create_public_app

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=JST)


def _cli(instance_dir, *args):
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def public_side(database, instance_dir, tmp_path):
    """A sheet token for 中原区 (visit on 2026-12-02) and a tablet token for 川崎区, exported; the public app."""
    limits.reset()
    with time_machine.travel(NOW, tick=False), database.transaction() as session:
        sheet = survey.issue(session, "nakahara", date(2026, 12, 2))
    tablet = re.search(r"/survey/([0-9A-Z]+)\n", _cli(instance_dir, "public", "tablet", "kawasaki")).group(1)
    out = tmp_path / "public-data"
    _cli(instance_dir, "public", "export", "--out", str(out))
    app = create_public_app(out)
    return {"out": out, "client": app.test_client(), "sheet": sheet, "tablet": tablet}


ANSWER = {"corner_satisfaction": "5", "callcentre_satisfaction": "4", "time_felt_right": "yes",
          "comment": "丁寧に説明していただき助かりました。"}


def test_a_sheet_token_takes_one_answer_and_reaches_the_staff_side(database, instance_dir, public_side):
    client, token, out = public_side["client"], public_side["sheet"], public_side["out"]
    exported = json.loads((out / "survey.json").read_text(encoding="utf-8"))
    assert {t["ward"] for t in exported["tokens"]} == {"nakahara", "kawasaki"}
    assert all(set(t) == {"hash", "kind", "ward", "week"} for t in exported["tokens"])
    assert token not in (out / "survey.json").read_text(encoding="utf-8")

    page = client.get(f"/survey/{token}")
    assert page.status_code == 200 and "おくやみコーナーの対応に満足されましたか" in page.get_data(as_text=True)
    with time_machine.travel(NOW, tick=False):
        first = client.post(f"/survey/{token}", data=ANSWER)
    assert first.status_code == 200 and "ご回答ありがとうございました" in first.get_data(as_text=True)
    second = client.post(f"/survey/{token}", data=ANSWER)
    assert second.status_code == 409 and "すでにご回答いただいています" in second.get_data(as_text=True)
    assert client.get(f"/survey/{token.lower()}").status_code == 409        # typed in lower case: the same token

    sealed = list((out / "inbox" / "survey").glob("*.sealed"))
    assert len(sealed) == 1 and "丁寧".encode() not in sealed[0].read_bytes()     # only ciphertext on the public side

    output = _cli(instance_dir, "public", "pull", "--data", str(out))
    assert "アンケート回答 1件" in output
    assert not list((out / "inbox" / "survey").glob("*.sealed"))
    with database.transaction(write=False) as session:
        answer = session.scalars(select(SurveyAnswer)).one()
        assert (answer.ward, answer.week_start, answer.answered_on) == ("nakahara", date(2026, 11, 30), NOW.date())
        assert answer.comment.decode() == ANSWER["comment"]
        figures = satisfaction(session, date(2026, 12, 1), date(2026, 12, 31))
        assert session.scalars(select(SurveyToken).where(SurveyToken.kind == "sheet")).one().answered
    assert figures["by_ward"]["nakahara"] == {"answers": 1, "corner_satisfaction": 5.0,
                                              "callcentre_satisfaction": 4.0, "time_felt_right_share": 1.0}
    _cli(instance_dir, "public", "export", "--out", str(out))               # the answered token is exported no more
    assert [t["kind"] for t in json.loads((out / "survey.json").read_text())["tokens"]] == ["tablet"]


def test_the_tablet_takes_answer_after_answer_and_resets(database, instance_dir, public_side):
    client, token, out = public_side["client"], public_side["tablet"], public_side["out"]
    for points in ("4", "2"):
        with time_machine.travel(NOW, tick=False):
            sent = client.post(f"/survey/{token}", data={**ANSWER, "corner_satisfaction": points, "comment": ""})
        assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/survey/{token}?thanks=1")
    fresh = client.get(f"/survey/{token}?thanks=1").get_data(as_text=True)
    assert "ご回答ありがとうございました" in fresh and "checked" not in fresh and 'http-equiv="refresh"' in fresh
    assert "アンケート回答 2件" in _cli(instance_dir, "public", "pull", "--data", str(out))
    with database.transaction(write=False) as session:
        figures = satisfaction(session, date(2026, 12, 1), date(2026, 12, 31), ward="kawasaki")
        assert {a.source for a in session.scalars(select(SurveyAnswer))} == {"tablet"}
    assert figures["answers"] == 2 and figures["corner_satisfaction"] == 3.0


def test_unknown_tokens_and_bad_answers_are_explained(public_side):
    client = public_side["client"]
    missing = client.get("/survey/ZZZZZZZZZZZZ")
    assert missing.status_code == 404 and "見つかりませんでした" in missing.get_data(as_text=True)
    bad = client.post(f"/survey/{public_side['sheet']}", data={"corner_satisfaction": "9"})
    assert bad.status_code == 422 and "1 から 5 の中から選んでください" in bad.get_data(as_text=True)
    empty = client.post(f"/survey/{public_side['sheet']}", data={})
    assert empty.status_code == 422 and "どれか一つ以上お答えください" in empty.get_data(as_text=True)
    assert client.get(f"/survey/{public_side['sheet']}").status_code == 200     # a refused answer used nothing


def test_the_worker_exports_and_pulls_by_itself(database, tmp_path):
    from types import SimpleNamespace

    from processes.public.jobs import export_once, pull_once

    limits.reset()
    out = tmp_path / "public"
    worker = SimpleNamespace(database=database, runtime=None,
                             settings=SimpleNamespace(public_export_to=str(out), public_pull_from=str(out)))
    with time_machine.travel(NOW, tick=False):
        with database.transaction() as session:
            token = survey.issue(session, "asao", date(2026, 12, 1))
        export_once(worker)
        assert create_public_app(out).test_client().post(f"/survey/{token}", data=ANSWER).status_code == 200
        pull_once(worker)
    with database.transaction(write=False) as session:
        assert [a.ward for a in session.scalars(select(SurveyAnswer))] == ["asao"]
