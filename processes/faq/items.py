"""FAQ items: create, change, delete and restore; every change is a revision holding the whole item after it.

`faq_id` is the readable, stable FAQ-ID (FAQ-000123). A deleted item is kept (its revisions too) but found by
nobody. Who may do what is checked by the callers (processes/faq/access.py).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound
from processes.faq import search_index
from processes.faq.fields import check_window, clean
from processes.faq.identifiers import faq_id, parse_faq_id  # noqa: F401  (callers use items.faq_id)
from processes.faq.models import (
    AUDIENCE_ALL,
    FaqCategory,
    FaqItem,
    FaqItemCategory,
    FaqRelatedItem,
    FaqRevision,
)
from processes.faq.search import visible_to
from processes.tasks.validation import FieldError, ValidationFailed


def get(session: Session, item_id: int, role: str) -> FaqItem:
    item = session.get(FaqItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.deleted_at is not None or not session.scalar(
            select(func.count()).select_from(FaqItem).where(FaqItem.id == item.id, visible_to(role))):
        raise NotFound("faq item not found", user_message="指定されたFAQは見つかりません。")
    return item


def by_number(session: Session, number: int, role: str) -> FaqItem:
    item_id = session.scalar(select(FaqItem.id).where(FaqItem.number == number))
    return get(session, item_id or 0, role)


def category_ids(session: Session, item_id: int) -> list[int]:
    return list(session.scalars(select(FaqItemCategory.category_id).where(FaqItemCategory.item_id == item_id)
                                .order_by(FaqItemCategory.category_id)))


def related_ids(session: Session, item_id: int) -> list[int]:
    return list(session.scalars(select(FaqRelatedItem.related_id).where(FaqRelatedItem.item_id == item_id)
                                .order_by(FaqRelatedItem.position)))


def snapshot(session: Session, item: FaqItem) -> dict:
    """The item's editable content: what a revision stores and the API returns."""
    return {
        "question": item.question, "answer": item.answer, "categories": category_ids(session, item.id),
        "keywords": list(item.keywords or []), "related_faq_ids": related_ids(session, item.id),
        "related_urls": [dict(u) for u in item.related_urls or []], "published": item.published,
        "publish_start": item.publish_start.isoformat() if item.publish_start else None,
        "publish_end": item.publish_end.isoformat() if item.publish_end else None, "audience": item.audience,
    }


def as_dict(session: Session, item: FaqItem) -> dict:
    return {"id": item.id, "faq_id": faq_id(item.number), **snapshot(session, item), "use_count": item.use_count,
            "version": item.version, "updated_at": item.updated_at.isoformat()}


def _check_references(session: Session, values: dict, item_id: int | None) -> None:
    errors = []
    wanted = values.get("categories") or []
    if wanted:
        found = set(session.scalars(select(FaqCategory.id).where(FaqCategory.id.in_(wanted))))
        if set(wanted) - found:
            errors.append(FieldError("categories", "存在しない分類が指定されています。"))
    related = values.get("related_faq_ids") or []
    if item_id in related:
        errors.append(FieldError("related_faq_ids", "自分自身は関連FAQにできません。"))
    if related:
        found = set(session.scalars(select(FaqItem.id).where(FaqItem.id.in_(related), FaqItem.deleted_at.is_(None))))
        if set(related) - found:
            errors.append(FieldError("related_faq_ids", "存在しないFAQが関連FAQに指定されています。"))
    if errors:
        raise ValidationFailed(errors)


def _apply(session: Session, item: FaqItem, values: dict) -> None:
    for name in ("question", "answer", "keywords", "related_urls", "published", "publish_start", "publish_end",
                 "audience"):
        if name in values:
            setattr(item, name, values[name])
    check_window(item.publish_start, item.publish_end)
    session.flush()
    if "categories" in values:
        session.execute(delete(FaqItemCategory).where(FaqItemCategory.item_id == item.id))
        session.add_all(FaqItemCategory(item_id=item.id, category_id=c) for c in values["categories"])
    if "related_faq_ids" in values:
        session.execute(delete(FaqRelatedItem).where(FaqRelatedItem.item_id == item.id))
        session.add_all(FaqRelatedItem(item_id=item.id, related_id=r, position=i)
                        for i, r in enumerate(values["related_faq_ids"]))
    session.flush()
    search_index.reindex(session, item)


def _revision(session: Session, item: FaqItem, action: str, actor: str) -> FaqRevision:
    revision = FaqRevision(item_id=item.id, version=item.version, action=action, actor=actor, at=utcnow(),
                           snapshot=snapshot(session, item))
    session.add(revision)
    session.flush()
    return revision


def next_number(session: Session) -> int:
    return (session.scalar(select(func.max(FaqItem.number))) or 0) + 1


def create(session: Session, body: dict, actor: str, *, number: int | None = None, action: str = "created") -> FaqItem:
    values = clean(body, partial=False)
    _check_references(session, values, None)
    now = utcnow()
    item = FaqItem(number=number or next_number(session), question=values["question"], answer=values["answer"],
                   keywords=[], related_urls=[], published=False, audience=AUDIENCE_ALL, use_count=0, version=1,
                   created_at=now, created_by=actor, updated_at=now, updated_by=actor)
    session.add(item)
    session.flush()
    _apply(session, item, values)
    _revision(session, item, action, actor)
    return item


def update(session: Session, item: FaqItem, body: dict, actor: str, *, action: str = "updated") -> FaqItem:
    values = clean(body, partial=True)
    _check_references(session, values, item.id)
    before = snapshot(session, item)
    _apply(session, item, values)
    if snapshot(session, item) != before:
        item.version += 1
        item.updated_at, item.updated_by = utcnow(), actor
        _revision(session, item, action, actor)
    return item


def remove(session: Session, item: FaqItem, actor: str) -> None:
    item.deleted_at = utcnow()
    item.version += 1
    item.updated_at, item.updated_by = item.deleted_at, actor
    _revision(session, item, "deleted", actor)
    search_index.unindex(session, item.id)


def revisions(session: Session, item: FaqItem) -> list[FaqRevision]:
    return list(session.scalars(select(FaqRevision).where(FaqRevision.item_id == item.id)
                                .order_by(FaqRevision.version.desc(), FaqRevision.id.desc())))


def restore(session: Session, item: FaqItem, revision_id: int, actor: str) -> FaqItem:
    """The item's content as it was in that revision, as a new revision (nothing in between is lost)."""
    revision = session.get(FaqRevision, revision_id) if 0 < revision_id < 2**31 else None
    if revision is None or revision.item_id != item.id:
        raise NotFound("no such revision", user_message="指定された版は見つかりません。")
    body = dict(revision.snapshot)
    existing_categories = set(session.scalars(select(FaqCategory.id)))
    body["categories"] = [c for c in body["categories"] if c in existing_categories]
    alive = set(session.scalars(select(FaqItem.id).where(FaqItem.deleted_at.is_(None))))
    body["related_faq_ids"] = [r for r in body["related_faq_ids"] if r in alive and r != item.id]
    return update(session, item, body, actor, action="restored")


def is_public(item: FaqItem, today: date) -> bool:
    """Published, for everyone, not deleted and inside its publish window on `today` (Asia/Tokyo)."""
    return (item.published and item.deleted_at is None and item.audience == AUDIENCE_ALL
            and (item.publish_start is None or item.publish_start <= today)
            and (item.publish_end is None or today <= item.publish_end))
