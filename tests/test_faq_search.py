"""Searching the FAQ in Japanese: normalised words, short words by substring, ranking, highlighting, and who may
see supervisors-only items."""
from __future__ import annotations

from processes.faq import items, search
from processes.faq.matching import highlight
from processes.faq.normalise import normalise
from tests.faq_support import add_item, make_tree


def _questions(result) -> list[str]:
    return [item.question for item in result.items]


def test_katakana_width_long_vowel_and_small_kana_variants_are_the_same_word():
    assert normalise("コンピューター") == normalise("ｺﾝﾋﾟｭｰﾀ") == normalise("こんぴゅーた")
    assert normalise("キャッシュカード") == normalise("きやつしゆかど")
    assert normalise("ＦＡＱ　年金") == "faq 年金"


def test_two_character_queries_find_their_items(database):
    with database.transaction() as session:
        tree = make_tree(session)
        add_item(session, tree["年金・保険"], "遺族年金の請求はどこでできますか", "年金事務所で手続きします。")
        add_item(session, tree["戸籍・住民票"], "故人の戸籍謄本はどこで取れますか", "本籍地の区役所で取れます。")
        add_item(session, tree["お悔やみ手続"], "相続の相談窓口はありますか", "法律相談をご案内します。")
    with database.transaction() as session:
        assert _questions(search.search(session, "年金", "operator")) == ["遺族年金の請求はどこでできますか"]
        assert _questions(search.search(session, "戸籍", "operator")) == ["故人の戸籍謄本はどこで取れますか"]
        assert _questions(search.search(session, "相続", "operator")) == ["相続の相談窓口はありますか"]
        assert search.search(session, "介護", "operator").total == 0


def test_question_ranks_above_keywords_above_answer_then_the_most_used(database):
    with database.transaction() as session:
        tree = make_tree(session)
        in_answer = add_item(session, tree["予約"], "予約の変更はできますか", "葬祭費の申請も同じ日にできます。")
        in_keywords = add_item(session, tree["予約"], "来庁の持ち物は何ですか", "印鑑をお持ちください。",
                               keywords=["葬祭費"])
        in_question = add_item(session, tree["年金・保険"], "葬祭費はいくら支給されますか", "5万円です。")
        used_more = add_item(session, tree["年金・保険"], "葬祭費の申請期限はいつですか", "2年以内です。")
        used_more.use_count = 5
    with database.transaction() as session:
        found = search.search(session, "葬祭費", "operator")
        assert [i.id for i in found.items] == [used_more.id, in_question.id, in_keywords.id, in_answer.id]
        assert found.total == 4


def test_katakana_query_finds_hiragana_text_and_several_words_must_all_match(database):
    with database.transaction() as session:
        tree = make_tree(session)
        add_item(session, tree["戸籍・住民票"], "マイナンバーカードの返納はどうしますか", "窓口でお預かりします。")
        add_item(session, tree["戸籍・住民票"], "住基カードの返納はどうしますか", "窓口でお預かりします。")
    with database.transaction() as session:
        assert _questions(search.search(session, "まいなんばー", "operator")) == ["マイナンバーカードの返納はどうしますか"]
        assert _questions(search.search(session, "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ　返納", "operator")) == \
            ["マイナンバーカードの返納はどうしますか"]
        assert search.search(session, "マイナンバー 住基", "operator").total == 0


def test_matching_words_are_highlighted_in_the_original_text():
    segments = highlight("ﾏｲﾅﾝﾊﾞｰカードの返納", [["まいなんば"]])
    assert [s for s, matched in segments if matched] == ["ﾏｲﾅﾝﾊﾞｰ"]
    assert "".join(s for s, _ in segments) == "ﾏｲﾅﾝﾊﾞｰカードの返納"


def test_supervisors_only_items_are_hidden_from_operators(database):
    with database.transaction() as session:
        tree = make_tree(session)
        secret = add_item(session, tree["予約"], "苦情が続く場合の対応手順", "SVに引き継ぎます。", audience="supervisors")
    with database.transaction() as session:
        assert search.search(session, "苦情", "operator").total == 0
        assert search.search(session, "苦情", "supervisor").total == 1
        assert items.get(session, secret.id, "supervisor").question == "苦情が続く場合の対応手順"


def test_a_deleted_item_is_found_by_nobody(database):
    with database.transaction() as session:
        tree = make_tree(session)
        item = add_item(session, tree["予約"], "予約の取消はできますか")
    with database.transaction() as session:
        items.remove(session, session.get(type(item), item.id), "sv")
    with database.transaction() as session:
        assert search.search(session, "予約の取消", "supervisor").total == 0


def test_pages_continue_the_ranking_and_a_page_past_the_end_still_tells_how_many_match(database):
    with database.transaction() as session:
        tree = make_tree(session)
        for number in range(5):
            add_item(session, tree["年金・保険"], f"遺族年金の手続 その{number + 1}")
        add_item(session, tree["年金・保険"], "未支給年金の請求", "遺族が請求します。")
    with database.transaction() as session:
        first = search.search(session, "遺族", "operator", limit=4)
        second = search.search(session, "遺族", "operator", limit=4, offset=4)
        beyond = search.search(session, "遺族", "operator", limit=4, offset=8)
    assert first.total == second.total == beyond.total == 6
    assert _questions(first) + _questions(second) == [f"遺族年金の手続 その{n}" for n in range(1, 6)] + ["未支給年金の請求"]
    assert beyond.items == []
