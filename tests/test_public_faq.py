"""The public FAQ: `okuyami public export` writes published, public fields only; the public application serves
them (search, categories, items) with the publish window checked at request time, imports nothing that can reach
the staff database, and sends its own security headers."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from processes.faq import items
from tests.faq_support import add_item, make_tree
from web.cli import main
from web.public.app import create_public_app
from web.public.formatting import wareki_day

JST = ZoneInfo("Asia/Tokyo")
FORBIDDEN = ("engine.db", "engine.runtime", "engine.crypto", "processes.okuyami", "processes.tasks",
             "processes.staff", "sqlalchemy", "web.app", "web.auth")


@pytest.fixture
def exported(database, instance_dir, tmp_path):
    """A published item, one expiring on 2026-12-10, an unpublished one, an expired one, a supervisors-only one
    and one that starts on 2026-12-20; exported on 2026-12-03."""
    with database.transaction() as session:
        tree = make_tree(session)
        public = add_item(session, tree["年金・保険"], "遺族年金の請求はどこでできますか",
                          "年金事務所で手続きします。\n\n詳しくは https://www.nenkin.go.jp/ をご覧ください。<script>x</script>",
                          published=True, keywords=["年金事務所"])
        add_item(session, tree["年金・保険"], "年金の振込口座を変えたい", published=True, publish_end="2026-12-10")
        add_item(session, tree["戸籍・住民票"], "下書き中の戸籍の質問", published=False)
        add_item(session, tree["戸籍・住民票"], "昨年度で終わった戸籍の案内", published=True, publish_end="2026-11-30")
        add_item(session, tree["予約"], "予約が重なったときの内部手順", published=True, audience="supervisors")
        add_item(session, tree["予約"], "年末年始の予約受付について", published=True, publish_start="2026-12-20")
        items.update(session, public, {"related_faq_ids": []}, "sv")
    out = tmp_path / "public-data"
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=JST), tick=False):
        result = CliRunner().invoke(main, ["--instance", str(instance_dir), "public", "export", "--out", str(out)],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_the_export_holds_only_published_public_fields(exported):
    data = json.loads((exported / "faq.json").read_text(encoding="utf-8"))
    questions = {i["question"] for i in data["items"]}
    assert questions == {"遺族年金の請求はどこでできますか", "年金の振込口座を変えたい", "年末年始の予約受付について"}
    text = "".join(p.read_text(encoding="utf-8") for p in exported.iterdir())
    for absent in ("下書き中", "昨年度で終わった", "内部手順", '"sv"', "created_by", "updated_by", "use_count", "revision"):
        assert absent not in text
    assert set(data["items"][0]) == {"faq_id", "question", "answer", "keywords", "categories", "related",
                                     "related_urls", "publish_start", "publish_end", "updated_on"}
    assert json.loads((exported / "manifest.json").read_text())["parts"]["faq"]["items"] == 3


def test_the_public_app_imports_nothing_that_reaches_the_staff_database():
    code = ("import sys; from web.public.app import create_public_app; create_public_app('.'); "
            "print('\\n'.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []


def test_search_finds_short_words_and_highlights_them(exported):
    client = create_public_app(exported).test_client()
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=JST), tick=False):
        page = client.get("/faq/search?q=年金").get_data(as_text=True)
        assert "2件見つかりました" in page and "<mark>年金</mark>" in page
        assert "年末年始" not in page                                     # starts on 12月20日
        assert "見つかりませんでした" in client.get("/faq/search?q=戸籍").get_data(as_text=True)
        assert "検索する言葉を入力してください" in client.get("/faq/search?q=").get_data(as_text=True)


def test_an_item_expires_on_its_end_date_without_a_new_export(exported):
    client = create_public_app(exported).test_client()
    faq_id = next(i["faq_id"] for i in json.loads((exported / "faq.json").read_text())["items"]
                  if i["question"] == "年金の振込口座を変えたい")
    with time_machine.travel(datetime(2026, 12, 10, 23, 59, tzinfo=JST), tick=False):
        assert client.get(f"/faq/{faq_id}").status_code == 200
    with time_machine.travel(datetime(2026, 12, 11, 0, 1, tzinfo=JST), tick=False):
        assert client.get(f"/faq/{faq_id}").status_code == 404
        assert "振込口座" not in client.get("/faq/search?q=年金").get_data(as_text=True)


def test_an_item_page_escapes_the_answer_links_addresses_and_shows_the_date_in_wareki(exported):
    client = create_public_app(exported).test_client()
    faq_id = json.loads((exported / "faq.json").read_text())["items"][0]["faq_id"]
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=JST), tick=False):
        page = client.get(f"/faq/{faq_id}").get_data(as_text=True)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<a href="https://www.nenkin.go.jp/">https://www.nenkin.go.jp/</a>' in page
    assert f"<dd>{wareki_day(datetime.now(JST).date())}</dd>" in page       # 令和8年12月3日（木）


def test_categories_list_their_public_items_and_unknown_pages_are_404(exported):
    client = create_public_app(exported).test_client()
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=JST), tick=False):
        index = client.get("/faq").get_data(as_text=True)
        assert "年金・保険" in index and "戸籍・住民票" not in index          # no public item there
        category = int(index.split('/faq/category/')[2].split('"')[0])
        page = client.get(f"/faq/category/{category}").get_data(as_text=True)
        assert "遺族年金の請求はどこでできますか" in page
        missing = client.get("/faq/FAQ-999999")
        assert missing.status_code == 404 and "見つかりませんでした" in missing.get_data(as_text=True)
        assert client.get("/faq/category/999999").status_code == 404


def test_every_public_page_sends_its_security_headers_and_no_script(exported):
    client = create_public_app(exported).test_client()
    for path in ("/", "/faq", "/faq/search?q=年金", "/faq/FAQ-999999"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "<script" not in response.get_data(as_text=True)
