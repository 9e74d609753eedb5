"""The BPMN editor's server side: who may open it, the XML it loads, validation problems placed on elements in
Japanese, drafts, deploys as new versions (new cases start on them), and the diff between two versions."""
import json
import re

import pytest

from tests.api_support import VISIT, reservation
from tests.web_support import login

CASE = "okuyami_case.bpmn"
EDIT = f"/models/bpmn/{CASE}/edit"
RENAMED_TASK = '<bpmn:userTask id="visit" name="来庁対応（おくやみコーナー）">'


@pytest.fixture
def people(api_app, tokens):
    """The app with accounts po (process owner), sv, auditor and op (the API fixture's users)."""
    for name in ("po", "sv", "auditor", "op"):
        assert tokens[name]
    return api_app


def signed_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def editor_token(client) -> str:
    page = client.get(EDIT).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def post(client, action, content, comment=""):
    return client.post(f"/models/bpmn/{CASE}/{action}", json={"content": content, "comment": comment},
                       headers={"X-CSRFToken": editor_token(client)})


def live_xml(client) -> str:
    response = client.get(f"/models/bpmn/{CASE}/source")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return response.get_data(as_text=True)


def renamed(xml: str) -> str:
    assert '<bpmn:userTask id="visit" name="来庁対応">' in xml
    return xml.replace('<bpmn:userTask id="visit" name="来庁対応">', RENAMED_TASK)


def broken_gateway(xml: str) -> str:
    broken = xml.replace('channel == "walk_in"</bpmn:conditionExpression>', 'channel == </bpmn:conditionExpression>', 1)
    assert broken != xml
    return broken


def test_a_process_owner_gets_the_modeler_with_the_choices_of_our_panel(people):
    page = signed_in(people, "po").get(EDIT)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-readonly="false"' in html and 'data-action="deploy"' in html
    assert "/static/vendor/bpmn-editor.js" in html and "<script>" not in html
    options = json.loads(re.search(r'data-options="([^"]+)"', html).group(1).replace("&#34;", '"')
                         .replace("&amp;", "&"))
    assert "visit.json" in options["forms"]
    assert {r["code"] for r in options["roles"]} >= {"operator", "counter", "dept_staff", "system"}
    assert "procedure_selection" in {d["id"] for d in options["decisions"]}


@pytest.mark.parametrize("reader", ["sv", "auditor"])
def test_supervisors_and_auditors_see_the_model_read_only(people, reader):
    client = signed_in(people, reader)
    html = client.get(EDIT).get_data(as_text=True)
    assert 'data-readonly="true"' in html and 'data-action="deploy"' not in html and "閲覧のみ" in html
    before = live_xml(client)
    assert "<bpmn:process" in before
    refused = post(client, "deploy", renamed(before))          # with the page's CSRF token: refused for the role
    assert refused.status_code == 403
    assert live_xml(client) == before


def test_other_roles_and_unknown_models_are_refused(people):
    assert signed_in(people, "op").get(EDIT).status_code == 403
    owner = signed_in(people, "po")
    assert owner.get("/models/bpmn/nothing.bpmn/edit").status_code == 404
    assert owner.get(f"/models/dmn/{CASE}/edit").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(people):
    client = signed_in(people, "po")
    response = client.post(f"/models/bpmn/{CASE}/validate", json={"content": live_xml(client)})
    assert response.status_code == 400


def test_a_broken_gateway_condition_is_reported_on_the_gateway_in_japanese(people):
    client = signed_in(people, "po")
    answer = post(client, "validate", broken_gateway(live_xml(client))).get_json()
    assert answer["ok"] is False
    on_gateway = [e for e in answer["errors"] if e["element"] == "gw_channel"]
    assert on_gateway and "条件式" in on_gateway[0]["message"] and "受付の経路" in on_gateway[0]["message"]
    fixed = post(client, "validate", live_xml(client)).get_json()
    assert fixed == {"ok": True, "errors": [], "message": fixed["message"]} and "問題はありません" in fixed["message"]


def test_a_user_task_without_a_form_is_reported_on_that_task(people):
    client = signed_in(people, "po")
    xml = live_xml(client)
    without_form = re.sub(r'(<bpmn:userTask id="visit"[^>]*>\s*)<bpmn:extensionElements>.*?</bpmn:extensionElements>',
                          r"\1", xml, count=1, flags=re.S)
    assert without_form != xml
    errors = post(client, "validate", without_form).get_json()["errors"]
    assert any(e["element"] == "visit" and "フォーム" in e["message"] for e in errors)


def test_a_draft_is_kept_and_reopened_without_deploying(people):
    client = signed_in(people, "po")
    draft = renamed(live_xml(client))
    answer = post(client, "draft", draft, "名称の検討中").get_json()
    assert answer["ok"] is True and "下書きを保存しました" in answer["message"]
    assert RENAMED_TASK in live_xml(client)
    assert "保存済みの下書き" in client.get(EDIT).get_data(as_text=True)
    # Nothing deployed: readers still see version 1, and it stays the only version.
    reader = signed_in(people, "sv")
    assert RENAMED_TASK not in live_xml(reader)
    assert "版の履歴（1件" in reader.get(EDIT).get_data(as_text=True)


def test_deploying_makes_a_new_version_that_new_cases_start_on(people, api):
    before = api.post("/cases", "op", _booking()).get_json()
    assert before["version"] == 1
    client = signed_in(people, "po")
    answer = post(client, "deploy", renamed(live_xml(client)), "来庁対応の名称を変更").get_json()
    assert answer["ok"] is True and answer["version"] == 2, answer
    assert {"process_id": "okuyami_case", "version": 2} in answer["process_versions"]
    assert "版 2 として登録しました" in answer["message"]
    after = api.post("/cases", "op", _booking("13:00")).get_json()
    assert after["version"] == 2
    assert api.get(f"/cases/{before['id']}", "op").get_json()["version"] == 1
    history = client.get(EDIT).get_data(as_text=True)
    assert "来庁対応の名称を変更" in history and "版の履歴（2件、現在は版 2）" in history


def test_an_invalid_model_is_not_deployed(people):
    client = signed_in(people, "po")
    answer = post(client, "deploy", broken_gateway(live_xml(client))).get_json()
    assert answer["ok"] is False and answer["version"] is None
    assert any(e["element"] == "gw_channel" for e in answer["errors"])
    assert "版の履歴（1件" in client.get(EDIT).get_data(as_text=True)


def test_deploying_the_live_model_again_makes_no_version(people):
    client = signed_in(people, "po")
    answer = post(client, "deploy", live_xml(client)).get_json()
    assert answer["ok"] is True and answer["unchanged"] is True and answer["version"] == 1
    assert "新しい版は作っていません" in answer["message"]


def test_the_diff_lists_the_renamed_task_as_changed(people):
    client = signed_in(people, "po")
    xml = live_xml(client)
    assert post(client, "deploy", renamed(xml)).get_json()["ok"]
    page = client.get(f"/models/bpmn/{CASE}/diff?from=1&to=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    changed = html.split("変更された要素")[1]
    assert "<code>visit</code>" in changed and "来庁対応（おくやみコーナー）" in changed
    assert "追加された要素（0件）" in html and "削除された要素（0件）" in html
    assert client.get(f"/models/bpmn/{CASE}/diff?from=1&to=9").status_code == 404


def _booking(time: str = "10:30"):
    """A booking at another slot of the visit day (one family per slot)."""
    hour, minute = map(int, time.split(":"))
    return reservation(slot_start=VISIT.replace(hour=hour, minute=minute).isoformat())
