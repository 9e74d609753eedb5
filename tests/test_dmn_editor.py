"""The DMN editor's server side. A decision table edited and written the way dmn-js writes it (its own moddle
serialiser, run with node from node_modules) validates, deploys as a new version, and is what new cases run;
a cell dmn-js would accept but FEEL does not is reported on that cell."""
import re
import shutil
import subprocess

import pytest

from engine.settings import PROJECT_ROOT
from tests.api_support import walk_in
from tests.web_support import login

SELECTION = "procedure_selection.dmn"
# dmn-js saves with dmn-moddle's toXML; this edits one input cell and saves the whole file the same way.
DMN_JS_EDIT = """
import { DmnModdle } from "dmn-moddle";
import { readFileSync } from "node:fs";
const [ruleId, cellId, text] = process.argv.slice(1);
const moddle = new DmnModdle();
const { rootElement } = await moddle.fromXML(readFileSync(0, "utf8"), "dmn:Definitions");
const rules = rootElement.drgElement.flatMap((d) => (d.decisionLogic && d.decisionLogic.rule) || []);
rules.find((r) => r.id === ruleId).inputEntry.find((e) => e.id === cellId).text = text;
process.stdout.write((await moddle.toXML(rootElement, { format: true })).xml);
"""


def edited_by_dmn_js(xml: str, rule: str, cell: str, text: str) -> str:
    node = shutil.which("node")
    assert node, "node is installed by scripts/setup (npm assets)"
    done = subprocess.run([node, "--input-type=module", "-e", DMN_JS_EDIT, rule, cell, text], input=xml,
                          capture_output=True, text=True, cwd=PROJECT_ROOT, check=True, timeout=60)
    return done.stdout


@pytest.fixture
def owner(api_app, tokens):
    assert tokens["po"]
    client = api_app.test_client()
    assert login(client, "po").status_code == 302
    return client


def post(client, action: str, content: str):
    page = client.get(f"/models/dmn/{SELECTION}/edit").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(f"/models/dmn/{SELECTION}/{action}", json={"content": content, "comment": "dmn-js"},
                       headers={"X-CSRFToken": token}).get_json()


def procedures(api, cards: list[str]) -> dict:
    response = api.post("/cases", "counter_naka", walk_in(answers={"cards": cards}))
    assert response.status_code == 201, response.get_json()
    return {p["id"]: p for p in response.get_json()["procedures"]}


def test_the_dmn_editor_page_loads_dmn_js_and_the_live_table(owner):
    html = owner.get(f"/models/dmn/{SELECTION}/edit").get_data(as_text=True)
    assert "/static/vendor/dmn-editor.js" in html and 'id="dmn-editor"' in html and 'data-action="deploy"' in html
    source = owner.get(f"/models/dmn/{SELECTION}/source").get_data(as_text=True)
    assert 'id="rule_JU02_1"' in source


def test_a_table_written_by_dmn_js_deploys_and_new_cases_evaluate_it(owner, api):
    assert "JU02" in procedures(api, ["seal_registration"])
    live = owner.get(f"/models/dmn/{SELECTION}/source").get_data(as_text=True)
    # 印鑑登録の廃止 for families whose deceased did NOT hold the card: a negated unary test as dmn-js writes it.
    edited = edited_by_dmn_js(live, "rule_JU02_1", "rule_JU02_1_seal_registration", 'not("yes")')
    assert "<text>not(\"yes\")</text>" in edited and edited != live
    assert post(owner, "validate", edited)["ok"] is True
    answer = post(owner, "deploy", edited)
    assert answer["ok"] is True and answer["version"] == 2, answer
    assert any(p["process_id"] == "okuyami_case" for p in answer["process_versions"])
    assert "JU02" not in procedures(api, ["seal_registration", "mynumber_card"])
    without_card = procedures(api, ["mynumber_card"])
    assert "JU02" in without_card and not without_card["JU02"]["needs_confirmation"]


def test_a_cell_that_is_not_feel_is_reported_on_its_rule(owner):
    live = owner.get(f"/models/dmn/{SELECTION}/source").get_data(as_text=True)
    broken = edited_by_dmn_js(live, "rule_JU02_1", "rule_JU02_1_seal_registration", '"yes')
    answer = post(owner, "deploy", broken)
    assert answer["ok"] is False and answer["version"] is None
    assert any(e["element"] in ("rule_JU02_1", "rule_JU02_1_seal_registration") for e in answer["errors"]), answer
    assert all(re.search(r"[ぁ-んァ-ン一-龥]", e["message"]) for e in answer["errors"])


def test_supervisors_see_the_tables_read_only_and_cannot_deploy(api_app, tokens):
    assert tokens["sv"]
    reader = api_app.test_client()
    assert login(reader, "sv").status_code == 302
    html = reader.get(f"/models/dmn/{SELECTION}/edit").get_data(as_text=True)
    assert 'data-readonly="true"' in html and 'data-action="deploy"' not in html
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    refused = reader.post(f"/models/dmn/{SELECTION}/deploy", json={"content": "<definitions/>"},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 403
