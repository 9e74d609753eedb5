"""The home navi on the public application: the export carries the live selection DMN, the interview and the
catalogue's public fields (nothing personal); a family answers one group per screen with わからない, goes back
and forward without losing answers (they travel in the query, nothing is kept on the server), and the result
lists each procedure at the chosen ward with what to bring, the deadline, the city's page, why, 要確認 marked,
and the answers code. The public side selects exactly what the staff side would for the same answers."""
from __future__ import annotations

import json
import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.selection import select_procedures
from processes.public.navi import decode_code
from tests.test_procedure_selection import SELECTION_TABLE
from tests.test_public_navi_code import random_answers
from web.cli import main
from web.public.app import create_public_app
from web.public.navi_model import Navi

JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def exported(api_app, instance_dir, tmp_path):
    """The export of a database with the repository's models deployed."""
    out = tmp_path / "public-data"
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=JST), tick=False):
        result = CliRunner().invoke(main, ["--instance", str(instance_dir), "public", "export", "--out", str(out)],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(exported):
    return create_public_app(exported).test_client()


def answer_query(pairs: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs.items())


def test_the_export_carries_the_live_selection_and_public_fields_only(exported):
    data = json.loads((exported / "navi.json").read_text(encoding="utf-8"))
    assert set(data) == {"interview_version", "schema", "groups", "members_band", "decision_id", "dmn",
                         "procedures", "wards"}
    assert "procedure_selection" in data["dmn"]
    assert set(data["procedures"][0]) == {"id", "name", "counters", "items_to_bring", "explanation", "url",
                                          "deadline"}
    assert len(data["procedures"]) == len(load_catalogue().effective_on(datetime(2026, 12, 3).date()))


def test_the_public_side_selects_exactly_what_the_staff_side_would(exported):
    navi = Navi.from_export(json.loads((exported / "navi.json").read_text(encoding="utf-8")))
    rng = random.Random(5)
    for _ in range(150):
        answers = random_answers(rng)
        staff = select_procedures(answers, SELECTION_TABLE.evaluate, load_catalogue())
        public = navi.select(answers)
        assert [(p["id"], p["needs_confirmation"], p["reason"]) for p in public] == \
               [(p["id"], p["needs_confirmation"], p["reason"]) for p in staff]


def test_a_family_walks_through_one_group_per_screen_and_back_without_losing_answers(site):
    first = site.get("/navi")
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "質問 1／10" in page and "中原区役所" in page
    refused = site.get("/navi?step=0&go=next").get_data(as_text=True)
    assert "行かれる区役所を選んでください。" in refused and "質問 1／10" in refused
    step = site.get("/navi?step=0&go=next&ward=nakahara").get_data(as_text=True)
    assert "質問 2／10（世帯）" in step and "亡くなられた方は世帯主でしたか" in step and "わからない" in step
    assert 'name="ward" value="nakahara"' in step
    answered = "step=1&go=next&ward=nakahara&answers.household_head=yes&answers.household_members_15plus_remaining=2"
    third = site.get(f"/navi?{answered}").get_data(as_text=True)
    assert "質問 3／10（証・カード）" in third
    assert 'name="answers.household_head" value="yes"' in third      # carried in the form, not on the server
    back = site.get(f"/navi?{answered.replace('step=1&go=next', 'step=2&go=back')}").get_data(as_text=True)
    assert "質問 2／10" in back and re.search(r'value="yes" checked', back) and 'value="2"' in back
    assert "Set-Cookie" not in site.get("/navi").headers


def test_a_number_that_is_not_a_number_is_asked_again_in_japanese(site):
    page = site.get("/navi?step=1&go=next&ward=saiwai&answers.household_members_15plus_remaining=abc")
    text = page.get_data(as_text=True)
    assert "人数は 0 から 50 までの数字で入力してください。" in text and "質問 2／10" in text


def test_the_last_screen_leads_to_the_result_with_counters_items_reason_and_code(site):
    answers = {"ward": "nakahara", "answers.household_head": "yes", "answers.household_members_15plus_remaining": "2",
               "answers.health_insurance": "kokuho", "answers.funeral_held": "yes", "answers.cards": "unknown"}
    last = site.get("/navi?step=9&go=next&" + answer_query(answers))
    assert last.status_code == 303 and "/navi/result?" in last.headers["Location"]
    page = site.get(last.headers["Location"]).get_data(as_text=True)
    catalogue = load_catalogue()
    hn01, ju02 = catalogue.require("HN01"), catalogue.require("JU02")
    assert hn01.name in page and hn01.counters["nakahara"] in page and hn01.items_to_bring[0] in page
    assert hn01.deadline in page and hn01.url in page and "ご案内する理由" in page
    assert re.search(re.escape(ju02.name) + r' <span class="to-confirm">要確認</span>', page)
    code = re.search(r'id="answers-code">([^<]+)<', page).group(1)
    assert decode_code(code)[0] == {"household_head": "yes", "household_members_15plus_remaining": 2,
                                    "health_insurance": "kokuho", "funeral_held": "yes", "cards": "unknown"}
    for raw in ("HN01", "JU02", "kokuho", "nakahara<"):
        assert raw not in re.sub(r"<[^>]*>", " ", page)                  # no internal codes on the screen
    posted = site.post("/navi/result", data=answers)
    assert posted.status_code == 200 and code in posted.get_data(as_text=True)


def test_post_navi_code_gives_the_code_of_json_answers_and_names_bad_keys(site):
    response = site.post("/navi/code", json={"answers": {"household_head": "no", "welfare_items": ["KS01"]}})
    assert response.status_code == 200
    assert decode_code(response.get_json()["code"]) == ({"household_head": "no", "welfare_items": ["KS01"]}, [])
    bad = site.post("/navi/code", json={"answers": {"household_head": "perhaps", "shoe_size": 27}})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.get_json()["errors"]} == {"answers.household_head", "answers.shoe_size"}
    assert "「yes」「no」「unknown」" in bad.get_json()["errors"][0]["message"]
    assert site.post("/navi/code", data="x", content_type="application/json").status_code == 400


def test_without_a_deployed_selection_the_navi_is_not_offered(tmp_path):
    site = create_public_app(tmp_path).test_client()
    response = site.get("/navi")
    assert response.status_code == 404 and "見つかりませんでした" in response.get_data(as_text=True)
