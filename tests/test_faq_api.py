"""The FAQ through the JSON API: editors create and change items, operators search and read but may not edit,
searches teach synonyms that count only once an editor accepts them, and the category tree can be copied."""
from __future__ import annotations

import csv
import io


def _patch(api, path, user, body):
    return api.client.patch(f"/api/v1{path}", headers=api._headers(user), json=body)


def _delete(api, path, user):
    return api.client.delete(f"/api/v1{path}", headers=api._headers(user))


def _category(api, name, parent_id=None) -> int:
    answer = api.post("/faq-categories", "sv", {"name": name, "parent_id": parent_id})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _item(api, category, question, answer="区役所の窓口でご案内します。", **fields) -> dict:
    created = api.post("/faqs", "sv", {"question": question, "answer": answer, "categories": [category], **fields})
    assert created.status_code == 201, created.get_json()
    return created.get_json()


def test_an_editor_creates_an_item_with_every_field_and_gets_its_faq_id(api):
    pensions = _category(api, "年金・保険")
    other = _item(api, pensions, "国民年金の死亡一時金とは何ですか")
    created = _item(api, pensions, "遺族年金の手続はどこでしますか", "年金事務所で手続きします。\n\n詳しくは日本年金機構へ。",
                    keywords=["遺族年金", "年金事務所"], related_faq_ids=[other["id"]],
                    related_urls=[{"title": "日本年金機構", "url": "https://www.nenkin.go.jp/"}], published=True,
                    publish_start="2026-04-01", publish_end="2027-03-31", audience="all")
    assert created["faq_id"] == "FAQ-000002" and created["id"] > 0
    shown = api.get(f"/faqs/{created['id']}", "op").get_json()
    assert shown["keywords"] == ["遺族年金", "年金事務所"] and shown["related_faq_ids"] == [other["id"]]
    assert shown["related_urls"] == [{"title": "日本年金機構", "url": "https://www.nenkin.go.jp/"}]
    assert (shown["published"], shown["publish_start"], shown["publish_end"]) == (True, "2026-04-01", "2027-03-31")


def test_bad_fields_are_named_with_what_is_allowed(api):
    answer = api.post("/faqs", "sv", {"question": "", "answer": "回答", "categories": [999], "audience": "everyone",
                                      "publish_start": "2026/04/01", "related_urls": [{"title": "x", "url": "javascript:alert(1)"}]})
    assert answer.status_code == 422
    fields = {e["field"]: e["message"] for e in answer.get_json()["errors"]}
    assert set(fields) >= {"question", "audience", "publish_start", "related_urls.0.url"}
    assert "supervisors" in fields["audience"] and "YYYY-MM-DD" in fields["publish_start"]
    category = _category(api, "予約")
    unknown = api.post("/faqs", "sv", {"question": "質問", "answer": "回答", "categories": [category + 100]})
    assert unknown.get_json()["errors"] == [{"field": "categories", "message": "存在しない分類が指定されています。"}]


def test_an_operator_reads_and_searches_but_is_refused_every_edit(api):
    category = _category(api, "予約")
    item = _item(api, category, "予約の変更はできますか")
    assert api.post("/faqs", "op", {"question": "q", "answer": "a", "categories": [category]}).status_code == 403
    assert _patch(api, f"/faqs/{item['id']}", "op", {"question": "書き換え"}).status_code == 403
    assert _delete(api, f"/faqs/{item['id']}", "op").status_code == 403
    assert api.post("/faq-categories", "op", {"name": "新しい分類"}).status_code == 403
    assert api.get(f"/faqs/{item['id']}", "op").get_json()["question"] == "予約の変更はできますか"


def test_supervisors_only_items_are_not_found_for_operators(api):
    category = _category(api, "対応手順")
    item = _item(api, category, "苦情への対応手順", audience="supervisors")
    assert api.get(f"/faqs/{item['id']}", "op").status_code == 404
    assert api.get("/faqs/search?q=苦情", "op").get_json()["total"] == 0
    assert api.get("/faqs/search?q=苦情", "sv").get_json()["total"] == 1


def test_every_change_is_a_revision_with_a_readable_diff_and_an_item_can_be_restored(api):
    category = _category(api, "年金・保険")
    item = _item(api, category, "葬祭費はいくらですか", "5万円です。")
    changed = _patch(api, f"/faqs/{item['id']}", "sv", {"answer": "7万円です。", "published": True})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    revisions = api.get(f"/faqs/{item['id']}/revisions", "sv").get_json()["items"]
    assert [r["action"] for r in revisions] == ["updated", "created"]
    assert {c["label"]: (c["before"], c["after"]) for c in revisions[0]["changes"]} == {
        "回答": ("5万円です。", "7万円です。"), "公開": ("公開しない", "公開する")}
    assert revisions[0]["actor"] == "sv"
    assert api.get(f"/faqs/{item['id']}/revisions", "op").status_code == 403


def test_a_two_character_query_finds_its_item_and_search_answers_the_documented_shape(api):
    category = _category(api, "戸籍・住民票")
    item = _item(api, category, "故人の戸籍謄本はどこで取れますか")
    answer = api.get("/faqs/search?q=戸籍&session=abcdef123456", "op").get_json()
    assert answer["total"] == 1
    assert answer["items"][0] | {} == answer["items"][0] and \
        {k: answer["items"][0][k] for k in ("id", "faq_id", "question")} == \
        {"id": item["id"], "faq_id": item["faq_id"], "question": "故人の戸籍謄本はどこで取れますか"}
    assert api.get("/faqs/search?q=", "op").status_code == 400
    assert api.get("/faqs/search?q=戸籍&session=%3Cbad%3E", "op").status_code == 400
    everything_wrong = api.get("/faqs/search?q=&session=%3Cbad%3E&limit=0&offset=-1", "op")
    assert everything_wrong.status_code == 400
    assert {e["field"] for e in everything_wrong.get_json()["errors"]} == {"q", "session", "limit", "offset"}


def test_a_synonym_learned_from_searches_changes_results_only_after_acceptance(api):
    category = _category(api, "年金・保険")
    item = _item(api, category, "葬祭費の支給について教えてください")
    for session in ("sessionA0001", "sessionB0002"):
        assert api.get(f"/faqs/search?q=葬儀代&session={session}", "op").get_json()["total"] == 0
        assert api.get(f"/faqs/search?q=葬祭費&session={session}", "op").get_json()["total"] == 1
        assert api.post(f"/faqs/{item['id']}/used", "op", {"session": session}).status_code == 200
    proposals = api.get("/faqs/synonyms/proposals", "sv").get_json()["items"]
    assert [(p["term"], p["expands_to"], p["support"]) for p in proposals] == [("葬儀代", "葬祭費", 2)]
    assert api.get("/faqs/search?q=葬儀代", "op").get_json()["total"] == 0       # proposed is not accepted
    assert api.post(f"/faqs/synonyms/proposals/{proposals[0]['id']}/accept", "op").status_code == 403
    assert api.post(f"/faqs/synonyms/proposals/{proposals[0]['id']}/accept", "sv").status_code == 200
    found = api.get("/faqs/search?q=葬儀代", "op").get_json()
    assert [i["id"] for i in found["items"]] == [item["id"]]
    assert api.get("/faqs/synonyms/proposals", "sv").get_json()["items"] == []


def test_a_dismissed_proposal_is_never_proposed_again_and_editors_add_synonyms_by_hand(api):
    category = _category(api, "戸籍・住民票")
    item = _item(api, category, "除票の写しはどこで取れますか")
    api.get("/faqs/search?q=死亡証明&session=sessionC0003", "op")
    api.get("/faqs/search?q=除票&session=sessionC0003", "op")
    api.post(f"/faqs/{item['id']}/used", "op", {"session": "sessionC0003"})
    proposal = api.get("/faqs/synonyms/proposals", "sv").get_json()["items"][0]
    assert api.post(f"/faqs/synonyms/proposals/{proposal['id']}/dismiss", "sv").status_code == 200
    api.get("/faqs/search?q=死亡証明&session=sessionD0004", "op")
    api.get("/faqs/search?q=除票&session=sessionD0004", "op")
    api.post(f"/faqs/{item['id']}/used", "op", {"session": "sessionD0004"})
    assert api.get("/faqs/synonyms/proposals", "sv").get_json()["items"] == []
    added = api.post("/faqs/synonyms", "sv", {"term": "住民票の除票", "expands_to": "除票"})
    assert added.status_code == 201
    assert api.get("/faqs/search?q=住民票の除票", "op").get_json()["total"] == 1
    bad = api.post("/faqs/synonyms", "sv", {"term": "", "expands_to": "除票"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "term"


def test_copying_a_category_copies_its_subtree_and_items_keeping_the_structure(api):
    root = _category(api, "お悔やみ手続")
    child = _category(api, "年金", root)
    grandchild = _category(api, "遺族年金", child)
    _item(api, child, "年金の受給停止の手続は必要ですか")
    _item(api, grandchild, "遺族年金は誰がもらえますか", published=True)
    target = _category(api, "令和8年度版")
    copied = api.post(f"/faq-categories/{root}/copy", "sv", {"parent_id": target})
    assert copied.status_code == 201
    tree = {c["path"]: c["id"] for c in api.get("/faq-categories", "op").get_json()["items"]}
    assert {"令和8年度版 › お悔やみ手続", "令和8年度版 › お悔やみ手続 › 年金",
            "令和8年度版 › お悔やみ手続 › 年金 › 遺族年金"} <= set(tree)
    found = api.get("/faqs/search?q=遺族年金は誰", "sv").get_json()["items"]
    assert len(found) == 2
    copy = next(i for i in found if api.get(f"/faqs/{i['id']}", "sv").get_json()["categories"] ==
                [tree["令和8年度版 › お悔やみ手続 › 年金 › 遺族年金"]])
    assert api.get(f"/faqs/{copy['id']}", "sv").get_json()["published"] is False
    into_itself = api.post(f"/faq-categories/{root}/copy", "sv", {"parent_id": child})
    assert into_itself.status_code == 422


def test_the_csv_export_is_excel_friendly_and_formula_safe(api):
    category = _category(api, "予約")
    _item(api, category, "=HYPERLINK(\"http://example.com\")", "@SUM(1+1) のような回答", keywords=["-1"])
    response = api.get("/faqs/export.csv", "sv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.data
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["FAQ-ID", "分類", "質問", "回答"]
    assert rows[1][2] == "'=HYPERLINK(\"http://example.com\")" and rows[1][3].startswith("'@")
    assert rows[1][4] == "'-1"
    assert api.get("/faqs/export.csv", "op").status_code == 403


def test_deleting_an_item_hides_it_everywhere(api):
    category = _category(api, "予約")
    item = _item(api, category, "予約の取消はできますか")
    assert _delete(api, f"/faqs/{item['id']}", "sv").status_code == 204
    assert api.get(f"/faqs/{item['id']}", "sv").status_code == 404
    assert api.get("/faqs/search?q=取消", "sv").get_json()["total"] == 0



def test_a_search_through_the_api_reads_only_the_listed_columns_of_its_hits(api, database):
    from sqlalchemy import event

    _item(api, _category(api, "年金・保険"), "遺族年金の手続はどこでしますか", "年金事務所で手続きします。", published=True)
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        answer = api.get("/faqs/search?q=年金", "op")
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert answer.status_code == 200 and answer.get_json()["items"][0]["question"] == "遺族年金の手続はどこでしますか"
    [ranked] = [s for s in statements if "OVER" in s and "faq_items" in s]
    shown = ranked.split("FROM")[0]
    assert "faq_items.question" in shown and "faq_items.answer" not in shown and "search_text" not in shown
