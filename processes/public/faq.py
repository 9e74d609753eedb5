"""The public FAQ's part of the export: published items for everyone (not supervisors-only, not deleted) whose
publish window has not ended, with their public fields only; the categories that hold them; accepted synonyms.

Items whose window starts later are included with their dates: the public side checks the window at request time,
so an item appears and expires on its dates without a new export. Items come most used first (the order is the
public ranking's tie-break; the counts themselves stay inside)."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from processes.faq import categories, items
from processes.faq.models import AUDIENCE_ALL, FaqCategory, FaqItem, FaqSynonym

NAME = "faq"
JST = ZoneInfo("Asia/Tokyo")


def _exported_items(session: Session, today: date) -> list[FaqItem]:
    return list(session.scalars(select(FaqItem).where(
        FaqItem.published.is_(True), FaqItem.deleted_at.is_(None), FaqItem.audience == AUDIENCE_ALL,
        or_(FaqItem.publish_end.is_(None), FaqItem.publish_end >= today))
        .order_by(FaqItem.use_count.desc(), FaqItem.number)))


def build(session: Session, today: date) -> dict:
    chosen = _exported_items(session, today)
    numbers = {item.id: item.number for item in chosen}
    used_categories: set[int] = set()
    exported = []
    for item in chosen:
        item_categories = items.category_ids(session, item.id)
        used_categories.update(item_categories)
        exported.append({
            "faq_id": items.faq_id(item.number), "question": item.question, "answer": item.answer,
            "keywords": list(item.keywords or []), "categories": item_categories,
            "related": [items.faq_id(numbers[r]) for r in items.related_ids(session, item.id) if r in numbers],
            "related_urls": [{"title": u["title"], "url": u["url"]} for u in item.related_urls or []],
            "publish_start": item.publish_start.isoformat() if item.publish_start else None,
            "publish_end": item.publish_end.isoformat() if item.publish_end else None,
            "updated_on": item.updated_at.astimezone(JST).date().isoformat(),
        })
    parents = dict(session.execute(select(FaqCategory.id, FaqCategory.parent_id)).all())
    keep = set()
    for category_id in used_categories:
        while category_id is not None and category_id not in keep:
            keep.add(category_id)
            category_id = parents.get(category_id)
    tree = [{"id": n.id, "name": n.name, "parent_id": n.parent_id} for n in categories.tree(session) if n.id in keep]
    synonyms = [{"term": t, "expands_to": e} for t, e in session.execute(
        select(FaqSynonym.term, FaqSynonym.expands_to).order_by(FaqSynonym.id))]
    return {"items": exported, "categories": tree, "synonyms": synonyms}
