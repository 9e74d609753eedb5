"""Moving and reordering FAQ categories: the order an editor chooses is the order every list shows, a move takes
the subtree and its items along, a move into its own subtree or deeper than the allowed levels is refused in
Japanese and changes nothing, and each move is in the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db.models import AuditEntry
from processes.administration.audit_trail import action_label
from processes.calendar import today_jst
from processes.faq import categories, category_moves, items, search
from processes.public import faq as public_faq
from processes.tasks.validation import ValidationFailed
from tests.faq_support import add_item, make_tree


def _paths(session) -> list[str]:
    return [node.path for node in categories.tree(session)]


def _refusal(action) -> str:
    with pytest.raises(ValidationFailed) as refused:
        action()
    return refused.value.errors[0].message


def test_siblings_are_reordered_up_and_down_and_every_list_follows(database):
    with database.transaction() as session:
        tree = make_tree(session)
        third = categories.create(session, "相続", tree["お悔やみ手続"]).id
    with database.transaction() as session:
        category_moves.shift(session, categories.get(session, third), "up", "sv")
        category_moves.shift(session, categories.get(session, third), "up", "sv")
        category_moves.shift(session, categories.get(session, tree["予約"]), "up", "sv")
    with database.transaction() as session:
        assert _paths(session) == ["予約", "お悔やみ手続", "お悔やみ手続 › 相続", "お悔やみ手続 › 年金・保険",
                                   "お悔やみ手続 › 戸籍・住民票"]
        first = categories.get(session, third)
        assert "すでに先頭です" in _refusal(lambda: category_moves.shift(session, first, "up", "sv"))
        last = categories.get(session, tree["戸籍・住民票"])
        assert "すでに最後です" in _refusal(lambda: category_moves.shift(session, last, "down", "sv"))
        assert "「上へ」か「下へ」" in _refusal(lambda: category_moves.shift(session, last, "sideways", "sv"))


def test_a_move_takes_the_subtree_and_its_items_and_puts_it_where_asked(database):
    with database.transaction() as session:
        tree = make_tree(session)
        survivors = categories.create(session, "遺族年金", tree["年金・保険"]).id
        item = add_item(session, survivors, "遺族年金は誰が受け取れますか", "配偶者や子が受け取れます。").id
        categories.create(session, "キャンセル", tree["予約"])
    with database.transaction() as session:
        category_moves.move(session, categories.get(session, tree["年金・保険"]), tree["予約"], "sv", position=1)
    with database.transaction() as session:
        assert _paths(session) == ["お悔やみ手続", "お悔やみ手続 › 戸籍・住民票", "予約", "予約 › 年金・保険",
                                   "予約 › 年金・保険 › 遺族年金", "予約 › キャンセル"]
        assert items.category_ids(session, item) == [survivors]
        found = search.all_visible(session, "operator", categories.subtree_ids(session, tree["予約"]))
        assert [i.id for i in found] == [item]
        assert search.all_visible(session, "operator", categories.subtree_ids(session, tree["お悔やみ手続"])) == []
        positions = [c.position for c in category_moves.siblings(session, tree["お悔やみ手続"])]
        assert positions == [1]                                       # the old parent's children renumbered
        category_moves.move(session, categories.get(session, tree["年金・保険"]), None, "sv")
    with database.transaction() as session:
        assert _paths(session)[-2:] == ["年金・保険", "年金・保険 › 遺族年金"]     # to the top level, last


def test_a_move_into_its_own_subtree_or_too_deep_is_refused_and_changes_nothing(database):
    with database.transaction() as session:
        tree = make_tree(session)
        chain = [tree["年金・保険"]]
        for name in ("遺族年金", "遺族基礎年金", "受給資格"):              # 5 levels: the most allowed
            chain.append(categories.create(session, name, chain[-1]).id)
        before = _paths(session)
        root = categories.get(session, tree["お悔やみ手続"])
        assert _refusal(lambda: category_moves.move(session, root, chain[2], "sv")) == \
            "移動先に、移動する分類自身やその下位の分類は選べません。"
        assert "自身" in _refusal(lambda: category_moves.move(session, root, root.id, "sv"))
        reservations = categories.get(session, tree["予約"])
        assert _refusal(lambda: category_moves.move(session, reservations, chain[-1], "sv")) == \
            "分類は5階層までです。「予約」を配下ごとこの下へ移すと6階層になるため、もっと上の分類を選んでください。"
        assert "5階層まで" in _refusal(lambda: categories.create(session, "細目", chain[-1]))
        assert "5階層まで" in _refusal(lambda: categories.copy(session, root, tree["予約"], "sv"))
        assert "存在する分類のID" in _refusal(lambda: category_moves.move(session, reservations, "年金", "sv"))
        assert "1から2までの数" in _refusal(
            lambda: category_moves.move(session, reservations, None, "sv", position=7))
        assert "今と同じ場所" in _refusal(lambda: category_moves.move(session, reservations, None, "sv", position=2))
        assert _paths(session) == before
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == category_moves.MOVED)).all() == []


def test_each_move_is_audited_with_where_it_was_and_where_it_went(database):
    with database.transaction() as session:
        tree = make_tree(session)
    with database.transaction() as session:
        category_moves.move(session, categories.get(session, tree["戸籍・住民票"]), tree["予約"], "sv_tanaka")
        category_moves.shift(session, categories.get(session, tree["予約"]), "up", "sv_tanaka")
    with database.transaction() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == category_moves.MOVED)
                                  .order_by(AuditEntry.id)).all()
        assert [(e.actor, e.detail["name"]) for e in entries] == [("sv_tanaka", "戸籍・住民票"), ("sv_tanaka", "予約")]
        assert entries[0].detail["from_parent_id"] == tree["お悔やみ手続"]
        assert entries[0].detail["to_parent_id"] == tree["予約"] and entries[0].detail["to_position"] == 1
        assert entries[1].detail["from_position"] == 2 and entries[1].detail["to_position"] == 1
        assert action_label(category_moves.MOVED) == "FAQの分類を移動・並べ替え"


def test_a_copy_into_the_same_parent_is_listed_after_its_siblings(database):
    with database.transaction() as session:
        tree = make_tree(session)
        categories.copy(session, categories.get(session, tree["お悔やみ手続"]), None, "sv")
    with database.transaction() as session:
        assert [n.path for n in categories.tree(session) if n.depth == 0] == ["お悔やみ手続", "予約", "お悔やみ手続（複写）"]
        assert [c.position for c in category_moves.siblings(session, None)] == [1, 2, 3]


def test_the_public_export_lists_the_categories_in_the_chosen_order(database):
    with database.transaction() as session:
        tree = make_tree(session)
        for name in ("予約", "戸籍・住民票"):
            add_item(session, tree[name], f"{name}の質問", published=True)
        category_moves.shift(session, categories.get(session, tree["予約"]), "up", "sv")
    with database.transaction(write=False) as session:
        exported = public_faq.build(session, today_jst())["categories"]
    assert [c["name"] for c in exported] == ["予約", "お悔やみ手続", "戸籍・住民票"]
