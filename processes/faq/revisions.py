"""A readable difference between two revisions of an FAQ item: which fields changed, in Japanese, with the
question and answer compared line by line."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

LABELS = {
    "question": "質問", "answer": "回答", "categories": "分類", "keywords": "キーワード",
    "related_faq_ids": "関連FAQ", "related_urls": "関連URL", "published": "公開", "publish_start": "公開開始日",
    "publish_end": "公開終了日", "audience": "閲覧範囲",
}
ACTIONS = {"created": "作成", "updated": "更新", "deleted": "削除", "restored": "復元", "imported": "取込",
           "copied": "複写"}


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    """(" ", "+" or "-", a line) for the texts; empty for short values."""


def _show(name: str, value, describe) -> str:
    if value is None or value == [] or value == "":
        return "（なし）"
    if name == "published":
        return "公開する" if value else "公開しない"
    if name == "audience":
        return "スーパーバイザーのみ" if value == "supervisors" else "すべてのオペレーター"
    if name == "related_urls":
        return "、".join(f"{u['title']}（{u['url']}）" for u in value)
    if name in ("categories", "related_faq_ids"):
        return "、".join(describe(name, v) for v in value)
    if name == "keywords":
        return "、".join(value)
    return str(value)


def changes(before: dict | None, after: dict, describe=lambda name, value: str(value)) -> list[FieldChange]:
    """What changed from `before` (None: the item was created) to `after`; `describe` names ids for people."""
    found = []
    for name, label in LABELS.items():
        old = before.get(name) if before else None
        new = after.get(name)
        if before is not None and old == new:
            continue
        if before is None and new in (None, [], ""):
            continue
        change = FieldChange(name, label, _show(name, old, describe), _show(name, new, describe))
        if name in ("question", "answer") and before is not None:
            for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
                if line[:1] in (" ", "+", "-"):
                    change.lines.append((line[:1], line[2:]))
        found.append(change)
    return found
