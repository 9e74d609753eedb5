"""Moving a category (with everything under it) to another parent, and changing the order of siblings.

A move never makes a category its own descendant and never makes the tree deeper than categories.MAX_LEVELS.
Siblings are numbered 1..n after every move, under the old parent and the new one, so the order the editor chose
is exactly the order every screen lists (categories.tree orders by position). Each move is audited
("faq_category.moved", with where the category was and where it went).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.runtime import audit
from processes.faq import categories
from processes.faq.models import FaqCategory
from processes.tasks.validation import FieldError, ValidationFailed

MOVED = "faq_category.moved"
UP, DOWN = "up", "down"


def siblings(session: Session, parent: int | None) -> list[FaqCategory]:
    return list(session.scalars(select(FaqCategory).where(categories.children_of(parent))
                                .order_by(FaqCategory.position, FaqCategory.id)))


def _renumber(rows: list[FaqCategory]) -> None:
    for number, row in enumerate(rows, start=1):
        row.position = number


def _position(value, count: int) -> int:
    """1-based place among the new siblings; None (or "") puts the category last."""
    if value is None or value == "":
        return count + 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= count + 1:
        raise ValidationFailed([FieldError("position", f"順番は1から{count + 1}までの数で指定してください。")])
    return value


def move(session: Session, category: FaqCategory, parent_id, actor: str, position=None) -> FaqCategory:
    """Puts `category` (and its subtree) under `parent_id` (None: the top level) at `position` (1 = first)."""
    parent = categories.valid_parent(session, parent_id)
    if parent in categories.subtree_ids(session, category.id):
        raise ValidationFailed([FieldError("parent_id", "移動先に、移動する分類自身やその下位の分類は選べません。")])
    if parent != category.parent_id:
        categories.check_levels(session, parent, categories.height_of(session, category.id),
                                f"「{category.name}」を配下ごとこの下へ移す")
    before = {"parent_id": category.parent_id, "position": _place(session, category)}
    old_siblings = [row for row in siblings(session, category.parent_id) if row.id != category.id]
    new_siblings = old_siblings if parent == category.parent_id else siblings(session, parent)
    place = _position(position, len(new_siblings))
    if parent == category.parent_id and place == before["position"]:
        raise ValidationFailed([FieldError("parent_id", "今と同じ場所です。別の移動先か順番を選んでください。")])
    category.parent_id = parent
    new_siblings.insert(place - 1, category)
    _renumber(new_siblings)
    if new_siblings is not old_siblings:
        _renumber(old_siblings)
    session.flush()
    after = {"parent_id": parent, "position": place}
    audit.record(session, actor, MOVED, before=before, after=after,
                 detail={"category_id": category.id, "name": category.name, "from_parent_id": before["parent_id"],
                         "from_position": before["position"], "to_parent_id": parent, "to_position": place})
    return category


def _place(session: Session, category: FaqCategory) -> int:
    return next(number for number, row in enumerate(siblings(session, category.parent_id), start=1)
                if row.id == category.id)


def shift(session: Session, category: FaqCategory, direction, actor: str) -> FaqCategory:
    """One place up or down among its siblings."""
    if direction not in (UP, DOWN):
        raise ValidationFailed([FieldError("direction", "並べ替えは「上へ」か「下へ」で指定してください。")])
    place = _place(session, category)
    count = len(siblings(session, category.parent_id))
    if direction == UP and place == 1:
        raise ValidationFailed([FieldError("direction", f"「{category.name}」はすでに先頭です。")])
    if direction == DOWN and place == count:
        raise ValidationFailed([FieldError("direction", f"「{category.name}」はすでに最後です。")])
    return move(session, category, category.parent_id, actor, place - 1 if direction == UP else place + 1)
