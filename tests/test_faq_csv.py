"""CSV: the export reads back through the import (the initial load), which takes all rows or none and names every
bad row; `okuyami faq import FILE.csv` does the same from the command line."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from processes.csv_export import write_csv
from processes.faq import csv_io, search
from processes.faq.models import FaqItem
from processes.tasks.validation import ValidationFailed
from tests.faq_support import add_item, make_tree
from web.cli import main


def _count(database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(FaqItem))


def test_an_exported_faq_imports_into_an_empty_one_with_its_ids_categories_and_links(database, tmp_path):
    with database.transaction() as session:
        tree = make_tree(session)
        first = add_item(session, tree["年金・保険"], "=1+1 は計算されますか", "されません。", keywords=["-", "葬祭費"],
                         published=True, publish_start="2026-04-01",
                         related_urls=[{"title": "川崎市", "url": "https://www.city.kawasaki.jp/"}])
        add_item(session, tree["戸籍・住民票"], "戸籍謄本の取り方", related_faq_ids=[first.id], audience="supervisors")
        data = csv_io.export(session)
    with database.transaction() as session:
        session.query(FaqItem).update({FaqItem.number: FaqItem.number + 100})
        assert csv_io.import_csv(session, data, "loader") == 2
    with database.transaction() as session:
        imported = session.scalar(select(FaqItem).where(FaqItem.number == 1))
        assert imported.question == "=1+1 は計算されますか" and imported.keywords == ["-", "葬祭費"]
        assert imported.related_urls == [{"title": "川崎市", "url": "https://www.city.kawasaki.jp/"}]
        second = session.scalar(select(FaqItem).where(FaqItem.number == 2))
        assert second.audience == "supervisors"
        assert search.search(session, "戸籍謄本", "supervisor", log=False).total == 2


def test_an_import_with_bad_rows_changes_nothing_and_names_each_bad_row(database):
    rows = [["", "お悔やみ手続 › 年金", "年金の質問", "回答", "", "", "", "公開", "", "", "", "", ""],
            ["", "お悔やみ手続 › 年金", "", "回答", "", "", "", "公開", "", "", "", "", ""],
            ["", "予約", "予約の質問", "回答", "", "", "", "たぶん", "2026/4/1", "", "", "", ""],
            ["", "一 › 二 › 三 › 四 › 五 › 六", "深すぎる分類の質問", "回答", "", "", "", "公開", "", "", "", "", ""]]
    data = write_csv(rows, csv_io.HEADER)
    with pytest.raises(ValidationFailed) as failed:
        with database.transaction() as session:
            csv_io.import_csv(session, data, "loader")
    messages = [e.message for e in failed.value.errors]
    assert "3行目 質問: 入力してください。" in messages
    assert "4行目 公開: 「公開」か「非公開」を入力してください。" in messages
    assert any(m.startswith("4行目 公開開始日:") for m in messages)
    assert "5行目 分類: 分類は5階層までです。この下に追加すると6階層になるため、もっと上の分類を選んでください。" in messages
    assert not any(m.startswith("2行目") for m in messages)
    assert _count(database) == 0


def test_the_import_command_loads_a_file_and_refuses_a_bad_one(database, instance_dir, tmp_path):
    good = tmp_path / "faq.csv"
    good.write_bytes(write_csv([["FAQ-000010", "予約", "予約の変更はできますか", "できます。", "変更、取消", "", "",
                                 "非公開", "", "", "すべてのオペレーター", "0", ""]], csv_io.HEADER))
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "faq", "import", str(good)])
    assert result.exit_code == 0 and "1件のFAQを取り込みました" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes("質問,回答\nq,a\n".encode())
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "faq", "import", str(bad)])
    assert result.exit_code == 1 and "見出し行に次の列がありません: FAQ-ID、分類" in result.output
    assert _count(database) == 1
