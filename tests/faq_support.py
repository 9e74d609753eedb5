"""Helpers for the FAQ tests: a small category tree and items created as an editor would."""
from __future__ import annotations

from processes.faq import categories, items


def make_tree(session) -> dict[str, int]:
    """お悔やみ手続 › 年金・保険, › 戸籍・住民票 and 予約 (ids by name)."""
    root = categories.create(session, "お悔やみ手続")
    ids = {"お悔やみ手続": root.id}
    for name in ("年金・保険", "戸籍・住民票"):
        ids[name] = categories.create(session, name, root.id).id
    ids["予約"] = categories.create(session, "予約").id
    return ids


def add_item(session, category: int, question: str, answer: str = "詳しくは担当窓口でご案内します。", **fields):
    body = {"question": question, "answer": answer, "categories": [category], **fields}
    return items.create(session, body, "sv")
