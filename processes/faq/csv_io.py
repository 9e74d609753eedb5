"""The whole FAQ as CSV (spec 12(7)①ク) and its import for the initial load, in the same format.

Export: Excel-friendly and formula-safe (processes/csv_export.py). Import: all or nothing; every bad row is named
with its line number and what is wrong. Categories are written as paths (親 › 子, several separated by 「；」) and
created on import when missing; related FAQs by FAQ-ID, resolved after every row is in.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from processes.csv_export import FORMULA_STARTS, write_csv
from processes.faq import categories, items
from processes.faq.models import (
    AUDIENCE_ALL,
    AUDIENCE_SUPERVISORS,
    FaqCategory,
    FaqItem,
)
from processes.tasks.validation import FieldError, ValidationFailed

JST = ZoneInfo("Asia/Tokyo")
HEADER = ["FAQ-ID", "分類", "質問", "回答", "キーワード", "関連FAQ", "関連URL", "公開", "公開開始日", "公開終了日",
          "閲覧範囲", "利用回数", "最終更新"]
PATH_SEPARATOR, LIST_SEPARATOR = " › ", "；"
PUBLISHED = {"公開": True, "非公開": False}
AUDIENCE_NAMES = {AUDIENCE_ALL: "すべてのオペレーター", AUDIENCE_SUPERVISORS: "スーパーバイザーのみ"}
MAX_ROWS = 20000


def export(session: Session) -> bytes:
    paths = {node.id: node.path for node in categories.tree(session)}
    numbers = dict(session.execute(select(FaqItem.id, FaqItem.number)).all())
    rows = []
    for item in session.scalars(select(FaqItem).where(FaqItem.deleted_at.is_(None)).order_by(FaqItem.number)):
        rows.append([
            items.faq_id(item.number),
            LIST_SEPARATOR.join(paths[c] for c in items.category_ids(session, item.id) if c in paths),
            item.question, item.answer, "、".join(item.keywords or []),
            " ".join(items.faq_id(numbers[r]) for r in items.related_ids(session, item.id)),
            "\n".join(f"{u['title']}|{u['url']}" for u in item.related_urls or []),
            "公開" if item.published else "非公開",
            item.publish_start.isoformat() if item.publish_start else "",
            item.publish_end.isoformat() if item.publish_end else "",
            AUDIENCE_NAMES.get(item.audience, item.audience), item.use_count,
            item.updated_at.astimezone(JST).strftime("%Y-%m-%d %H:%M"),
        ])
    return write_csv(rows, HEADER)


def _unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _category(session: Session, path: str) -> int:
    parent = None
    for name in [p.strip() for p in path.split("›")]:
        if not name:
            raise ValueError
        found = session.scalar(select(FaqCategory.id).where(FaqCategory.name == name, FaqCategory.parent_id.is_(None)
                                                            if parent is None else FaqCategory.parent_id == parent))
        parent = found or categories.create(session, name, parent).id
    return parent


def _row_body(session: Session, row: dict) -> tuple[dict, list[str]]:
    urls = []
    for line in row.get("関連URL", "").splitlines():
        title, _, url = line.partition("|")
        if line.strip():
            urls.append({"title": title.strip(), "url": url.strip()})
    body = {
        "question": row.get("質問", ""), "answer": row.get("回答", ""),
        "categories": [_category(session, p) for p in row.get("分類", "").split(LIST_SEPARATOR) if p.strip()],
        "keywords": row.get("キーワード", ""), "related_urls": urls,
        "published": PUBLISHED.get(row.get("公開", "").strip(), row.get("公開")),
        "publish_start": row.get("公開開始日", "").strip() or None, "publish_end": row.get("公開終了日", "").strip() or None,
        "audience": next((k for k, v in AUDIENCE_NAMES.items() if v == row.get("閲覧範囲", "").strip()),
                         row.get("閲覧範囲") or AUDIENCE_ALL),
    }
    if body["published"] not in (True, False):
        body["published"] = "公開／非公開"
    return body, row.get("関連FAQ", "").split()


def _message(error: FieldError) -> str:
    column = {"question": "質問", "answer": "回答", "categories": "分類", "keywords": "キーワード",
              "related_urls": "関連URL", "published": "公開", "publish_start": "公開開始日", "publish_end": "公開終了日",
              "audience": "閲覧範囲", "related_faq_ids": "関連FAQ", "name": "分類", "parent_id": "分類",
              }.get(error.field.split(".")[0], error.field)
    if error.field == "published":
        return f"{column}: 「公開」か「非公開」を入力してください。"
    if error.field == "audience":
        return f"{column}: 「すべてのオペレーター」か「スーパーバイザーのみ」を入力してください。"
    return f"{column}: {error.message}"


def import_csv(session: Session, data: bytes, actor: str) -> int:
    """Creates (or, for an existing FAQ-ID, updates) every row; raises ValidationFailed naming each bad row, after
    which the caller's transaction rolls everything back. Returns the number of rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([FieldError("file", "文字コードは UTF-8 にしてください。")]) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [h for h in HEADER[:4] if h not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed([FieldError("file", "見出し行に次の列がありません: " + "、".join(missing)
                                           + "。書き出したCSVと同じ形式にしてください。")])
    errors: list[FieldError] = []
    pending: list[tuple[FaqItem, list[str], int]] = []
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS:
            errors.append(FieldError("file", f"{MAX_ROWS}行を超えるファイルは取り込めません。"))
            break
        row = {k: _unescape(v or "") for k, v in raw.items() if k}
        number = items.parse_faq_id(row.get("FAQ-ID", "")) if row.get("FAQ-ID", "").strip() else None
        if row.get("FAQ-ID", "").strip() and number is None:
            errors.append(FieldError(f"row {line}", f"{line}行目 FAQ-ID: FAQ-000123 の形式で入力してください。"))
            continue
        try:
            body, related = _row_body(session, row)
            existing = session.scalar(select(FaqItem).where(FaqItem.number == number)) if number else None
            if existing is not None:
                item = items.update(session, existing, body, actor, action="imported")
            else:
                item = items.create(session, body, actor, number=number, action="imported")
            pending.append((item, related, line))
        except ValueError:
            errors.append(FieldError(f"row {line}", f"{line}行目 分類: 「親 › 子」の形式で分類名を入力してください。"))
        except ValidationFailed as failed:
            errors.extend(FieldError(f"row {line}", f"{line}行目 {_message(e)}") for e in failed.errors)
    numbers = dict(session.execute(select(FaqItem.number, FaqItem.id).where(FaqItem.deleted_at.is_(None))).all())
    for item, related, line in pending:
        if not related:
            continue
        ids = [numbers.get(items.parse_faq_id(r) or 0) for r in related]
        if None in ids:
            errors.append(FieldError(f"row {line}", f"{line}行目 関連FAQ: 存在しないFAQ-IDがあります。"))
        elif not errors:
            items.update(session, item, {"related_faq_ids": ids}, actor, action="imported")
    if errors:
        raise ValidationFailed(errors, user_message="CSVを取り込めませんでした。次の行を直してから、もう一度取り込んでください。")
    return len(pending)


def stamp() -> str:
    return datetime.now(JST).strftime("%Y%m%d-%H%M")
