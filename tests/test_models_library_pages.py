"""The model library page: every BPMN process, DMN decision, the catalogue and the form templates, with versions
(who, when, comment), the live one and running cases; process owners, supervisors and auditors only."""
from __future__ import annotations

import pytest

from engine.settings import PROJECT_ROOT
from processes.modelling.service import deploy_model
from tests.page_support import new_case, text_of

CASE = (PROJECT_ROOT / "bpmn" / "okuyami_case.bpmn").read_text(encoding="utf-8")


def deploy_case_v2(app):
    platform = app.extensions["okuyami"]
    with platform.database.transaction() as session:
        result = deploy_model(session, platform.registry, "bpmn", CASE.replace("案件の終了", "案件を閉じる").encode(),
                              "po", "終了タスクの名前を変更")
    assert result.ok and result.version == 2


def test_the_library_lists_models_catalogue_and_templates_with_live_versions_and_running_cases(browsers, api_app):
    new_case(api_app, "walk_in", actor="counter_naka")
    deploy_case_v2(api_app)
    new_case(api_app, "walk_in", actor="counter_naka")
    new_case(api_app, "walk_in", actor="counter_naka")
    page = text_of(browsers["po"].get("/models/"))
    assert "okuyami_case.bpmn" in page and "procedure_selection.dmn" in page and "手続カタログ" in page
    assert "booking.json" in page  # a task form
    row = page[page.index("okuyami_case.bpmn"):page.index("procedure_selection.dmn")]
    assert "第2版" in row and "3件" in row

    versions = text_of(browsers["po"].get("/models/bpmn/okuyami_case.bpmn/versions"))
    assert "終了タスクの名前を変更" in versions and "使用中" in versions
    first, second = versions.index("第1版"), versions.index("第2版</th>")
    assert "1件" in versions[first:] and "2件" in versions[second:first] and "po" in versions[second:first]


@pytest.mark.parametrize(("user", "status"), [("po", 200), ("sv", 200), ("auditor", 200), ("op", 403),
                                               ("counter_naka", 403), ("admin", 403)])
def test_who_may_open_the_library(browsers, user, status):
    assert browsers[user].get("/models/").status_code == status


def test_read_only_readers_see_no_edit_links(browsers):
    assert "確認例" not in text_of(browsers["auditor"].get("/models/"))
    assert "確認例" in text_of(browsers["po"].get("/models/"))


def test_an_unknown_model_is_404(browsers):
    assert browsers["po"].get("/models/bpmn/nothing.bpmn/versions").status_code == 404
    assert browsers["po"].get("/models/xlsx/a.xlsx/versions").status_code == 404


def test_models_and_templates_are_named_by_their_titles_and_files_only_as_a_labelled_detail(browsers):
    owner = text_of(browsers["po"].get("/models/"))
    for title in ("おくやみ案件", "手続の抽出", "委任状", "国民健康保険　葬祭費支給申請書", "おくやみコーナー　ご案内票",
                  "予約受付・問診", "事前確認"):
        assert f"<th scope=\"row\">{title}" in owner, title
    assert 'ファイル名：okuyami_case.bpmn</span>' in owner and 'ファイル名：ininjo.docx</span>' in owner
    reader = text_of(browsers["sv"].get("/models/"))
    assert "おくやみ案件" in reader and "okuyami_case.bpmn" not in reader.split("<main")[1].replace(
        "/models/bpmn/okuyami_case.bpmn/", "")                             # links aside, no file names for readers
    editor = text_of(browsers["po"].get("/models/bpmn/okuyami_case.bpmn/edit"))
    assert "<h1>業務フロー（BPMN）: おくやみ案件</h1>" in editor
    templates = text_of(browsers["po"].get("/forms/templates/"))
    assert '<th scope="row">委任状<br><span class="hint file-name">ファイル名：ininjo.docx</span></th>' in templates
