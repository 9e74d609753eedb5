"""The FAQ in the staff application: operators search and read (and say which answer they gave), supervisors edit
in the browser, read revisions and restore them, manage categories and synonyms, attach files and load CSV."""
from __future__ import annotations

import io
import re

import pytest

from processes.faq import categories, items
from tests.page_support import page_csrf, text_of


@pytest.fixture
def faq(api_app):
    """A small FAQ: two categories, a published item and a supervisors-only one."""
    database = api_app.extensions["okuyami"].database
    with database.transaction() as session:
        root = categories.create(session, "お悔やみ手続")
        pensions = categories.create(session, "年金・保険", root.id)
        published = items.create(session, {"question": "遺族年金の手続はどこでしますか",
                                           "answer": "年金事務所で手続きします。\n\n<b>太字</b>にはなりません。",
                                           "categories": [pensions.id], "published": True,
                                           "related_urls": [{"title": "日本年金機構", "url": "https://www.nenkin.go.jp/"}]},
                                 "sv")
        internal = items.create(session, {"question": "年金の苦情が続くときの対応", "answer": "SVに引き継ぎます。",
                                          "categories": [pensions.id], "audience": "supervisors"}, "sv")
        return {"root": root.id, "pensions": pensions.id, "published": published.id, "internal": internal.id}


def _form(browsers, user, path):
    return {"csrf_token": page_csrf(browsers[user], path)}


def test_an_operator_searches_with_a_short_word_and_sees_the_match_highlighted(browsers, faq):
    page = text_of(browsers["op"].get("/faq?q=年金"))
    assert "「年金」で 1件 見つかりました" in page
    assert "遺族<mark>年金</mark>の手続はどこでしますか" in page
    assert "苦情" not in page                                          # supervisors only
    item = text_of(browsers["op"].get(f"/faq/{faq['published']}"))
    assert "&lt;b&gt;太字&lt;/b&gt;" in item and "<b>" not in item
    assert "この回答で案内した" in item and "編集する" not in item
    assert browsers["op"].get(f"/faq/{faq['internal']}").status_code == 404


def test_an_operator_is_refused_every_editing_page(browsers, faq):
    op = browsers["op"]
    assert op.get("/faq/new").status_code == 403
    assert op.get(f"/faq/{faq['published']}/edit").status_code == 403
    token = page_csrf(op, "/faq")
    assert op.post(f"/faq/{faq['published']}/edit", data={"csrf_token": token, "question": "x"}).status_code == 403
    assert op.post(f"/faq/{faq['published']}/delete", data={"csrf_token": token}).status_code == 403
    assert op.get("/faq/synonyms").status_code == 403


def test_a_supervisor_creates_an_item_in_the_browser_and_is_told_what_is_wrong_first(browsers, faq):
    sv = browsers["sv"]
    form = {**_form(browsers, "sv", "/faq/new"), "question": "", "answer": "回答です。", "categories": [],
            "publish_start": "2026-04-01", "publish_end": "2026-03-01", "audience": "all"}
    refused = sv.post("/faq/new", data=form)
    assert refused.status_code == 422
    assert "入力してください。" in text_of(refused) and "分類を1つ以上選んでください。" in text_of(refused)
    form.update(question="葬祭費の申請に必要なものは", categories=[str(faq["pensions"])], keywords="葬祭費、葬儀",
                published="1", url_title_0="川崎市", url_0="https://www.city.kawasaki.jp/")
    refused = sv.post("/faq/new", data=form)
    assert "公開終了日は公開開始日以降の日付にしてください。" in text_of(refused)
    form["publish_end"] = "2027-03-31"
    created = sv.post("/faq/new", data=form)
    assert created.status_code == 302
    page = text_of(sv.get(created.headers["Location"]))
    assert "葬祭費の申請に必要なものは" in page and "令和8年4月1日（水）" in page and "令和9年3月31日（水）" in page


def test_an_edit_is_a_revision_with_a_readable_diff_and_can_be_restored(browsers, faq, api_app):
    sv = browsers["sv"]
    path = f"/faq/{faq['published']}/edit"
    form = {**_form(browsers, "sv", path), "question": "遺族年金の手続はどこでしますか",
            "answer": "年金事務所か街角の年金相談センターで手続きします。", "categories": [str(faq["pensions"])],
            "audience": "all", "published": "1"}
    assert sv.post(path, data=form).status_code == 302
    history = text_of(sv.get(f"/faq/{faq['published']}/revisions"))
    assert "第2版　更新" in history and "sv" in history
    assert "年金事務所か街角の年金相談センターで手続きします。" in history and "関連URL" in history
    revision = re.findall(r'/revisions/(\d+)/restore', history)[-1]
    restored = sv.post(f"/faq/{faq['published']}/revisions/{revision}/restore",
                       data=_form(browsers, "sv", f"/faq/{faq['published']}/revisions"))
    assert restored.status_code == 302
    page = text_of(sv.get(f"/faq/{faq['published']}"))
    assert "年金事務所で手続きします。" in page and "日本年金機構" in page


def test_attachments_are_checked_and_served_as_downloads(browsers, faq):
    sv = browsers["sv"]
    path = f"/faq/{faq['published']}/edit"
    bad = sv.post(f"/faq/{faq['published']}/attachments", data={
        **_form(browsers, "sv", path), "file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")})
    assert "添付できるのは PDF" in text_of(sv.get(bad.headers["Location"]))
    fake = sv.post(f"/faq/{faq['published']}/attachments", data={
        **_form(browsers, "sv", path), "file": (io.BytesIO(b"<html>x</html>"), "guide.pdf")})
    assert "拡張子（.pdf）と一致しません" in text_of(sv.get(fake.headers["Location"]))
    sv.post(f"/faq/{faq['published']}/attachments", data={
        **_form(browsers, "sv", path), "file": (io.BytesIO(b"%PDF-1.7\n%test"), "申請の手引き.pdf")})
    page = text_of(browsers["op"].get(f"/faq/{faq['published']}"))
    link = re.search(r'href="(/faq/\d+/attachments/\d+)"', page).group(1)
    download = browsers["op"].get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_the_synonyms_page_shows_the_zero_hit_report_and_proposals_to_accept(browsers, faq):
    op = browsers["op"]
    first = text_of(op.get("/faq?q=遺族基礎"))
    session = re.search(r'name="session" value="([^"]+)"', first).group(1)
    op.get(f"/faq?q=遺族年金&session={session}")
    op.post(f"/faq/{faq['published']}/used", data={"csrf_token": page_csrf(op, "/faq"), "session": session})
    page = text_of(browsers["sv"].get("/faq/synonyms"))
    assert "遺族基礎" in page and "1回" in page
    proposal = re.search(r'/faq/synonyms/proposals/(\d+)/accept', page).group(1)
    browsers["sv"].post(f"/faq/synonyms/proposals/{proposal}/accept", data=_form(browsers, "sv", "/faq/synonyms"))
    assert "「遺族基礎」で 1件 見つかりました" in text_of(op.get("/faq?q=遺族基礎"))
    assert "同じ意味で探す言葉" not in text_of(browsers["auditor"].get("/faq/synonyms"))      # reads, no form


def test_a_category_subtree_is_copied_from_the_categories_page(browsers, faq):
    sv = browsers["sv"]
    response = sv.post(f"/faq/categories/{faq['root']}/copy", data={**_form(browsers, "sv", "/faq/categories"),
                                                                     "parent_id": ""})
    page = text_of(sv.get(response.headers["Location"]))
    assert "配下の分類・FAQごと複写しました" in page and "お悔やみ手続（複写）" in page
    assert "2件 見つかりました" in text_of(sv.get("/faq?q=遺族年金の手続"))


def test_a_csv_import_with_a_bad_row_names_it_and_changes_nothing(browsers, faq):
    sv = browsers["sv"]
    exported = sv.get("/faq/export.csv").data
    broken = exported.replace("遺族年金の手続はどこでしますか".encode(), b"")
    refused = sv.post("/faq/import", data={**_form(browsers, "sv", "/faq/import"),
                                           "file": (io.BytesIO(broken), "faq.csv")})
    assert refused.status_code == 422 and "2行目 質問: 入力してください。" in text_of(refused)
    assert "1件 見つかりました" in text_of(sv.get("/faq?q=遺族年金の手続"))


def test_categories_are_reordered_and_moved_on_the_categories_page_and_operators_browse_in_that_order(browsers, faq):
    sv, op = browsers["sv"], browsers["op"]
    token = _form(browsers, "sv", "/faq/categories")
    reservations = text_of(sv.post("/faq/categories", data={**token, "name": "予約", "parent_id": ""},
                                   follow_redirects=True))
    reservation_id = int(re.search(r'id="category-(\d+)"[^<]*<th[^>]*><a[^>]*>予約<', reservations).group(1))
    moved = sv.post(f"/faq/categories/{reservation_id}/shift", data={**token, "direction": "up"},
                    follow_redirects=True)
    assert "分類「予約」を1つ上へ移しました。" in text_of(moved)
    tree = text_of(op.get("/faq"))
    assert tree.index(">予約<") < tree.index(">お悔やみ手続<")                    # the operator's 分類から探す
    moved = sv.post(f"/faq/categories/{faq['pensions']}/move", data={**token, "parent_id": str(reservation_id)},
                    follow_redirects=True)
    assert "分類「年金・保険」を配下の分類・FAQごと移しました: 予約 › 年金・保険" in text_of(moved)
    assert "遺族年金の手続はどこでしますか" in text_of(op.get(f"/faq/category/{reservation_id}"))
    refused = sv.post(f"/faq/categories/{reservation_id}/move", data={**token, "parent_id": str(faq["pensions"])},
                      follow_redirects=True)
    assert "移動先に、移動する分類自身やその下位の分類は選べません。" in text_of(refused)
    assert "予約 › 年金・保険" in text_of(refused)                                  # nothing changed
    op_token = page_csrf(op, "/faq")
    assert op.post(f"/faq/categories/{reservation_id}/shift", data={"csrf_token": op_token,
                                                                     "direction": "down"}).status_code == 403
    assert op.post(f"/faq/categories/{faq['root']}/move", data={"csrf_token": op_token}).status_code == 403
    assert "上へ" not in text_of(browsers["auditor"].get("/faq/categories"))      # reads, no forms
