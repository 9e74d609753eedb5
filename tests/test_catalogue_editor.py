"""The catalogue editor: a procedure as a form with every field of the catalogue entry (from the dataclass, so a
new field appears by itself), a counter per ward, effective dates, a guidance-sheet preview, drafts, and
deploys as new catalogue versions that the live catalogue then serves; problems are named beside their field."""
import dataclasses
import re

import pytest

from processes.okuyami.catalogue import Procedure
from processes.okuyami.catalogue_store import list_catalogue_versions, live_catalogue
from processes.wards import load_wards
from tests.web_support import add_user, csrf_token, login
from web.studio.catalogue_form import NOT_IN_FORM

ENTRY = "/catalogue/JU03"


@pytest.fixture
def people(app, database):
    for name, role in (("po", "process_owner"), ("sv", "supervisor"), ("op", "operator")):
        add_user(database, name, role)
    return app


def signed_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def current_form(client) -> dict[str, str]:
    """The entry form as the browser would submit it (inputs, selects, textareas)."""
    html = client.get(ENTRY).get_data(as_text=True)
    form = {m.group(1): m.group(2) for m in re.finditer(r'<input id="[^"]*" name="([^"]+)"[^>]*?value="([^"]*)"', html)}
    form.update({m.group(1): m.group(2) for m in re.finditer(
        r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', html, flags=re.S)})
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', html, flags=re.S):
        form[name] = re.search(r'<option value="([^"]*)" selected', body).group(1)
    for name, value in re.findall(r'<input type="checkbox" id="[^"]*" name="([^"]+)" value="([^"]*)" checked>', html):
        form.setdefault(name, [])
        form[name].append(value)
    form["csrf_token"] = csrf_token(client, ENTRY)
    return {k: v if isinstance(v, list) else _unescape(v) for k, v in form.items()}


def _unescape(text: str) -> str:
    return (text.replace("&#34;", '"').replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&"))


def submit(client, action: str, **changes):
    form = current_form(client)
    form.update(changes, action=action)
    return client.post(ENTRY, data=form)


def test_the_list_links_every_procedure(people):
    html = signed_in(people, "po").get("/catalogue/").get_data(as_text=True)
    assert len(re.findall(r'href="/catalogue/[A-Z]{2}\d{2}"', html)) == 50
    assert "まだ登録された版はありません" in html


def test_the_form_has_every_field_of_a_catalogue_entry_and_a_counter_per_ward(people):
    html = signed_in(people, "po").get(ENTRY).get_data(as_text=True)
    for field in dataclasses.fields(Procedure):
        if field.name in NOT_IN_FORM:
            assert f'name="{field.name}"' not in html                      # edited in the YAML, kept as it is
        elif field.name == "id":
            assert 'value="JU03" readonly' in html
        elif field.name == "counters":
            for ward in load_wards():
                assert f'name="counters.{ward}"' in html
        else:
            assert f'name="{field.name}"' in html, field.name
    assert 'type="date" value="2026-04-01"' in html and "世帯主変更" in html
    assert "ご案内票の見本" in html and "中原区役所" in html


def test_the_preview_shows_the_edited_explanation_without_saving(people, database):
    client = signed_in(people, "po")
    response = submit(client, "preview", explanation="新しい説明文です。", preview_ward="tama")
    assert response.status_code == 200
    preview = response.get_data(as_text=True).split("ご案内票の見本")[1]
    assert "新しい説明文です。" in preview and "多摩区役所" in preview
    with database.transaction() as session:
        assert list_catalogue_versions(session) == []
    assert "新しい説明文です。" not in client.get(ENTRY).get_data(as_text=True)


def test_a_problem_is_named_beside_its_field_and_nothing_is_deployed(people, database):
    client = signed_in(people, "po")
    response = submit(client, "deploy", effective_to="2026-03-01", **{"counters.tama": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="f-effective_to"[^>]*aria-describedby="err-effective_to"', html)
    assert "適用終了日 2026-03-01 が適用開始日 2026-04-01 より前です" in html
    assert "tama の窓口が空欄" in html
    with database.transaction() as session:
        assert list_catalogue_versions(session) == []


def test_a_draft_is_kept_and_the_next_edit_builds_on_it(people, database):
    client = signed_in(people, "po")
    assert submit(client, "save", deadline="死亡日から14日以内（下書き）", comment="検討中").status_code == 200
    html = client.get(ENTRY).get_data(as_text=True)
    assert "下書き" in html and 'value="死亡日から14日以内（下書き）"' in html
    assert "保存済みの下書き" in client.get("/catalogue/").get_data(as_text=True)
    with database.transaction() as session:
        assert list_catalogue_versions(session) == []
        assert live_catalogue(session).require("JU03").deadline != "死亡日から14日以内（下書き）"


def test_deploying_makes_a_new_live_catalogue_version(people, database):
    client = signed_in(people, "po")
    response = submit(client, "deploy", version_label="2026-10", comment="中原区の窓口変更",
                      effective_to="2027-03-31", **{"counters.nakahara": "中原区役所 3階 区民課 住民記録係"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "手続カタログを版 1 として登録しました" in response.get_data(as_text=True)
    with database.transaction() as session:
        live = live_catalogue(session)
        assert live.version == "2026-10"
        ju03 = live.require("JU03")
        assert ju03.counter_for("nakahara") == "中原区役所 3階 区民課 住民記録係"
        assert ju03.effective_to.isoformat() == "2027-03-31"
        assert live.require("JU01").as_dict()["forms"] == ["ininjo"]  # the other entries are unchanged
        [version] = list_catalogue_versions(session)
        assert version.deployed_by == "po" and version.comment == "中原区の窓口変更"
    assert "2026-10" in client.get("/catalogue/").get_data(as_text=True)


def test_supervisors_read_and_other_roles_are_refused(people):
    reader = signed_in(people, "sv")
    html = reader.get(ENTRY).get_data(as_text=True)
    assert "<fieldset disabled>" in html and 'value="deploy"' not in html
    assert reader.post(ENTRY, data={"action": "deploy", "csrf_token": csrf_token(reader, ENTRY)}).status_code == 403
    assert signed_in(people, "op").get(ENTRY).status_code == 403
    assert signed_in(people, "po").get("/catalogue/XX99").status_code == 404


def test_the_forms_are_chosen_by_their_titles_and_the_choice_is_kept(people, database):
    client = signed_in(people, "po")
    html = client.get(ENTRY).get_data(as_text=True)
    assert 'value="juminido_setainushi_henko" checked> 住民異動届' in html
    assert 'value="ininjo" checked> 委任状' in html
    assert 'value="inkan_haishi"> 印鑑登録廃止届' in html
    assert "<textarea" not in html.split('id="label-forms"')[1].split("</div>")[0]
    response = submit(client, "deploy", forms=["juminido_setainushi_henko", "inkan_haishi"])
    assert response.status_code == 200, response.get_data(as_text=True)
    with database.transaction() as session:
        assert list(live_catalogue(session).require("JU03").forms) == ["juminido_setainushi_henko", "inkan_haishi"]
    index = client.get("/catalogue/").get_data(as_text=True)
    assert "区民課" in index and "おくやみコーナーで完了" in index and "令和8年4月1日（水）" in index
