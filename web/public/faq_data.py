"""The public FAQ in memory: the exported items with their normalised text, a trigram index for words of three
characters or more (shorter words are found by substring search), ranking by processes/faq/matching.py and the
publish window checked for today on every request."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from processes.faq.matching import SHORT_QUERY, groups_for, score
from processes.faq.normalise import normalise


@dataclass
class PublicItem:
    faq_id: str
    question: str
    answer: str
    categories: list[int]
    related: list[str]
    related_urls: list[dict]
    publish_start: date | None
    publish_end: date | None
    updated_on: date
    rank: int
    search_question: str = ""
    search_keywords: str = ""
    search_answer: str = ""

    def visible_on(self, today: date) -> bool:
        return (self.publish_start is None or self.publish_start <= today) and \
            (self.publish_end is None or today <= self.publish_end)


@dataclass
class Category:
    id: int
    name: str
    parent_id: int | None
    children: list[int] = field(default_factory=list)


def _day(value) -> date | None:
    return date.fromisoformat(value) if value else None


class PublicFaq:
    def __init__(self, data: dict):
        self.items: list[PublicItem] = []
        for rank, raw in enumerate(data.get("items", [])):
            item = PublicItem(raw["faq_id"], raw["question"], raw["answer"], raw.get("categories", []),
                              raw.get("related", []), raw.get("related_urls", []), _day(raw.get("publish_start")),
                              _day(raw.get("publish_end")), _day(raw["updated_on"]), rank)
            item.search_question = normalise(item.question)
            item.search_keywords = " ".join(normalise(k) for k in raw.get("keywords", []))
            item.search_answer = normalise(item.answer)
            self.items.append(item)
        self.by_id = {item.faq_id: item for item in self.items}
        self.categories = {c["id"]: Category(c["id"], c["name"], c.get("parent_id")) for c in data.get("categories", [])}
        for category in self.categories.values():
            if category.parent_id in self.categories:
                self.categories[category.parent_id].children.append(category.id)
        self.synonyms: dict[str, list[str]] = {}
        for pair in data.get("synonyms", []):
            self.synonyms.setdefault(normalise(pair["term"]), []).append(normalise(pair["expands_to"]))
        self._trigrams: dict[str, set[int]] = {}
        for index, item in enumerate(self.items):
            text = f"{item.search_question}\n{item.search_keywords}\n{item.search_answer}"
            for start in range(len(text) - 2):
                self._trigrams.setdefault(text[start:start + 3], set()).add(index)

    def item(self, faq_id: str, today: date) -> PublicItem | None:
        item = self.by_id.get(faq_id)
        return item if item is not None and item.visible_on(today) else None

    def roots(self) -> list[Category]:
        return [c for c in self.categories.values() if c.parent_id not in self.categories]

    def path(self, category_id: int) -> list[Category]:
        found = []
        while category_id in self.categories and len(found) < 20:
            found.insert(0, self.categories[category_id])
            category_id = self.categories[category_id].parent_id
        return found

    def in_category(self, category_id: int, today: date) -> list[PublicItem]:
        wanted, frontier = {category_id}, [category_id]
        while frontier:
            frontier = [child for c in frontier for child in self.categories[c].children]
            wanted.update(frontier)
        return [i for i in self.items if wanted & set(i.categories) and i.visible_on(today)]

    def _candidates(self, group: list[str]) -> set[int] | None:
        """Indexes that may contain one of the group's words; None when a short word needs every item."""
        found: set[int] = set()
        for word in group:
            if len(word) < SHORT_QUERY:
                return None
            postings = [self._trigrams.get(word[i:i + 3], set()) for i in range(len(word) - 2)]
            found |= set.intersection(*postings) if postings else set()
        return found

    def search(self, query: str, today: date) -> tuple[list[list[str]], list[PublicItem]]:
        groups = groups_for(query[:100], self.synonyms)
        if not groups:
            return groups, []
        candidates: set[int] | None = None
        for group in groups:
            found = self._candidates(group)
            if found is not None:
                candidates = found if candidates is None else candidates & found
        pool = range(len(self.items)) if candidates is None else sorted(candidates)
        scored = []
        for index in pool:
            item = self.items[index]
            points = score(item.search_question, item.search_keywords, item.search_answer, groups)
            if points and item.visible_on(today):
                scored.append((-points, item.rank, item))
        scored.sort(key=lambda entry: entry[:2])
        return groups, [entry[2] for entry in scored]
