"""The city's FAQ category tree: list, add, rename, delete an empty one, and copy a whole subtree with its items
(spec 12(7)①コ): the structure is kept, each item is copied once (new FAQ-ID, not published until an editor
publishes it) and linked to the copies of its categories; related items inside the subtree point at the copies.
The tree is at most MAX_LEVELS levels deep; siblings are listed by `position` (category_moves.py moves and
reorders them)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from processes.faq import items
from processes.faq.models import FaqCategory, FaqItem, FaqItemCategory, FaqRelatedItem
from processes.tasks.validation import FieldError, ValidationFailed

MAX_NAME = 100
MAX_LEVELS = 5
"""大分類 › 中分類 › 小分類 and two more: deeper trees are refused (adding, copying or moving into them)."""


@dataclass
class Node:
    id: int
    name: str
    parent_id: int | None
    depth: int
    path: str
    children: list[Node] = field(default_factory=list)
    ancestors: tuple[int, ...] = ()


def tree(session: Session) -> list[Node]:
    """Every category in tree order (depth first), each with its depth and full path (親 › 子)."""
    rows = list(session.scalars(select(FaqCategory).order_by(FaqCategory.position, FaqCategory.id)))
    by_parent: dict[int | None, list[FaqCategory]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)
    ordered: list[Node] = []

    def walk(parent_id, depth, prefix, ancestors):
        for row in by_parent.get(parent_id, []):
            node = Node(row.id, row.name, row.parent_id, depth, f"{prefix} › {row.name}" if prefix else row.name,
                        ancestors=ancestors)
            ordered.append(node)
            walk(row.id, depth + 1, node.path, (*ancestors, row.id))
    walk(None, 0, "", ())
    return ordered


def get(session: Session, category_id: int) -> FaqCategory:
    category = session.get(FaqCategory, category_id) if 0 < category_id < 2**31 else None
    if category is None:
        raise NotFound("no such category", user_message="指定された分類は見つかりません。")
    return category


def subtree_ids(session: Session, category_id: int) -> list[int]:
    found, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(session.scalars(select(FaqCategory.id).where(FaqCategory.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def level_of(session: Session, category_id: int | None) -> int:
    """How deep a category sits: 1 for a top-level one, 0 for "no category" (the top of the tree)."""
    level = 0
    while category_id is not None:
        level += 1
        category_id = session.scalar(select(FaqCategory.parent_id).where(FaqCategory.id == category_id))
    return level


def height_of(session: Session, category_id: int) -> int:
    """How many levels a category's subtree spans: 1 for a category without children."""
    levels, frontier = 0, [category_id]
    while frontier:
        levels += 1
        frontier = list(session.scalars(select(FaqCategory.id).where(FaqCategory.parent_id.in_(frontier))))
    return levels


def check_levels(session: Session, parent: int | None, height: int, what: str) -> None:
    levels = level_of(session, parent) + height
    if levels > MAX_LEVELS:
        raise ValidationFailed([FieldError("parent_id", f"分類は{MAX_LEVELS}階層までです。{what}と{levels}階層になるため、"
                                                        "もっと上の分類を選んでください。")])


def _name(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed([FieldError("name", "分類名を入力してください。")])
    if len(value.strip()) > MAX_NAME:
        raise ValidationFailed([FieldError("name", f"分類名は{MAX_NAME}文字以内で入力してください。")])
    return value.strip()


def valid_parent(session: Session, value) -> int | None:
    if value is None or value == "":
        return None
    exists = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31 \
        and session.get(FaqCategory, value) is not None
    if not exists:
        raise ValidationFailed([FieldError("parent_id", "親の分類は、存在する分類のIDか null（最上位）で指定してください。")])
    return value


def children_of(parent: int | None):
    """The condition selecting a parent's children (the top-level categories for None)."""
    return FaqCategory.parent_id.is_(None) if parent is None else FaqCategory.parent_id == parent


def next_position(session: Session, parent: int | None) -> int:
    """The position after a parent's last child."""
    return (session.scalar(select(func.max(FaqCategory.position)).where(children_of(parent))) or 0) + 1


def create(session: Session, name, parent_id=None) -> FaqCategory:
    parent = valid_parent(session, parent_id)
    check_levels(session, parent, 1, "この下に追加する")
    category = FaqCategory(name=_name(name), parent_id=parent, position=next_position(session, parent))
    session.add(category)
    session.flush()
    return category


def rename(session: Session, category: FaqCategory, name) -> None:
    category.name = _name(name)


def remove(session: Session, category: FaqCategory) -> None:
    has_children = session.scalar(select(FaqCategory.id).where(FaqCategory.parent_id == category.id).limit(1))
    has_items = session.scalar(select(FaqItemCategory.item_id).join(FaqItem, FaqItem.id == FaqItemCategory.item_id)
                               .where(FaqItemCategory.category_id == category.id, FaqItem.deleted_at.is_(None))
                               .limit(1))
    if has_children or has_items:
        raise ValidationFailed([FieldError("category", "下位の分類かFAQがある分類は削除できません。先に移すか削除してください。")])
    session.query(FaqItemCategory).filter_by(category_id=category.id).delete()
    session.delete(category)


def copy(session: Session, category: FaqCategory, parent_id, actor: str) -> FaqCategory:
    parent = valid_parent(session, parent_id)
    source_ids = subtree_ids(session, category.id)
    if parent in source_ids:
        raise ValidationFailed([FieldError("parent_id", "複写先に、複写する分類自身やその下位の分類は選べません。")])
    check_levels(session, parent, height_of(session, category.id), f"「{category.name}」を配下ごとこの下へ複写する")
    new_ids: dict[int, int] = {}

    def copy_node(source: FaqCategory, new_parent: int | None, name: str, position: int) -> None:
        clone = FaqCategory(name=name, parent_id=new_parent, position=position)
        session.add(clone)
        session.flush()
        new_ids[source.id] = clone.id
        for child in session.scalars(select(FaqCategory).where(FaqCategory.parent_id == source.id)
                                     .order_by(FaqCategory.position, FaqCategory.id)).all():
            copy_node(child, clone.id, child.name, child.position)
    copy_node(category, parent, category.name if parent != category.parent_id else f"{category.name}（複写）",
              next_position(session, parent))

    links = session.execute(select(FaqItemCategory.item_id, FaqItemCategory.category_id)
                            .join(FaqItem, FaqItem.id == FaqItemCategory.item_id)
                            .where(FaqItemCategory.category_id.in_(source_ids), FaqItem.deleted_at.is_(None))
                            .order_by(FaqItemCategory.item_id)).all()
    item_categories: dict[int, list[int]] = {}
    for item_id, category_id in links:
        item_categories.setdefault(item_id, []).append(new_ids[category_id])
    copies: dict[int, FaqItem] = {}
    for item_id, new_categories in item_categories.items():
        source = session.get(FaqItem, item_id)
        body = items.snapshot(session, source)
        body.update(categories=new_categories, related_faq_ids=[], published=False)
        copies[item_id] = items.create(session, body, actor, action="copied")
    for item_id, clone in copies.items():
        related = [copies[r].id if r in copies else r for r in items.related_ids(session, item_id)]
        if related:
            session.add_all(FaqRelatedItem(item_id=clone.id, related_id=r, position=i) for i, r in enumerate(related))
    session.flush()
    return session.get(FaqCategory, new_ids[category.id])
