"""Searching the FAQ: accepted synonyms expand the words, the trigram index finds candidates (substring search for
words of one or two characters: 年金, 戸籍, 相続), matching.py ranks them, and every search is logged under a random
search-session id (never the person who searched)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select, text
from sqlalchemy.orm import Session, load_only

from processes.faq import logs
from processes.faq.matching import ANSWER, KEYWORDS, QUESTION, SHORT_QUERY, groups_for
from processes.faq.models import AUDIENCE_ALL, FaqItem, FaqItemCategory, FaqSynonym
from processes.faq.normalise import normalise
from processes.faq.search_index import FTS_TABLE, ensure_fts, is_sqlite

SEES_SUPERVISOR_ITEMS = {"supervisor", "admin", "auditor"}
MAX_QUERY = 100


@dataclass
class SearchResult:
    query: str
    session: str
    groups: list[list[str]]
    total: int
    items: list[FaqItem] = field(default_factory=list)


def new_session_id() -> str:
    return secrets.token_hex(12)


def synonym_map(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for term, expands_to in session.execute(select(FaqSynonym.term, FaqSynonym.expands_to)):
        found.setdefault(normalise(term), []).append(normalise(expands_to))
    return found


def visible_to(role: str):
    """Items a role may read: supervisors-only items are hidden from operators (spec 12(7)①カ)."""
    condition = FaqItem.deleted_at.is_(None)
    if role not in SEES_SUPERVISOR_ITEMS:
        condition = and_(condition, FaqItem.audience == AUDIENCE_ALL)
    return condition


def _contains(session: Session, column, word: str):
    """A plain substring test (no index): the score, and words too short for the trigram index."""
    if is_sqlite(session):
        return func.instr(column, word) > 0
    return func.strpos(column, word) > 0


def _indexed_contains(word: str):
    """PostgreSQL: `LIKE '%word%'` on search_text, which the pg_trgm GIN index serves for words of 3 characters or
    more. Shorter words use strpos: given LIKE, the plan PostgreSQL caches for a prepared search (the pattern
    unknown) would scan the whole index and then recheck every row, twice the work of reading the table."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return FaqItem.search_text.like(f"%{escaped}%", escape="\\")


def _group_condition(session: Session, group: list[str]):
    if not is_sqlite(session):
        return or_(*[_indexed_contains(alt) if len(alt) >= SHORT_QUERY else _contains(session, FaqItem.search_text, alt)
                     for alt in group])
    condition = or_(*[_contains(session, FaqItem.search_text, alt) for alt in group])
    if all(len(alt) >= SHORT_QUERY for alt in group):
        match = " OR ".join('"' + alt.replace('"', '""') + '"' for alt in group)
        condition = and_(FaqItem.id.in_(text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :m")
                                        .bindparams(m=match)), condition)
    return condition


def _score(session: Session, groups: list[list[str]]):
    parts = []
    for group in groups:
        in_question = or_(*[_contains(session, FaqItem.search_question, alt) for alt in group])
        in_keywords = or_(*[_contains(session, FaqItem.search_keywords, alt) for alt in group])
        parts.append(case((in_question, QUESTION), (in_keywords, KEYWORDS), else_=ANSWER))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


LISTED = (FaqItem.id, FaqItem.number, FaqItem.question, FaqItem.published, FaqItem.audience, FaqItem.use_count)
"""What a list of search hits shows (search(listed_only=True)): not the answers and search columns, the bulk of a row."""


def ranked_page(session: Session, groups: list[list[str]], role: str, limit: int, offset: int,
                listed_only: bool = False) -> tuple[list[FaqItem], int]:
    """One page of the matching items, best first, and how many match: one statement (the count is a window over
    the same rows), plus a count only when a page beyond the last is asked for."""
    if not groups:
        return [], 0
    ensure_fts(session)
    conditions = [visible_to(role), *[_group_condition(session, g) for g in groups]]
    statement = (select(FaqItem, func.count().over().label("total")).where(*conditions)
                 .order_by(_score(session, groups).desc(), FaqItem.use_count.desc(), FaqItem.number)
                 .limit(limit).offset(offset))
    if listed_only:
        statement = statement.options(load_only(*LISTED, raiseload=True))
    rows = session.execute(statement).all()
    if rows:
        return [row[0] for row in rows], rows[0].total
    if offset == 0:
        return [], 0
    return [], session.scalar(select(func.count()).select_from(FaqItem).where(*conditions))


def search(session: Session, query: str, role: str, search_session: str | None = None, *, limit: int = 20,
           offset: int = 0, log: bool = True, listed_only: bool = False) -> SearchResult:
    """listed_only: the items carry only the LISTED columns (reading another raises)."""
    query = (query or "").strip()[:MAX_QUERY]
    search_session = search_session if logs.valid_session(search_session) else new_session_id()
    groups = groups_for(query, synonym_map(session))
    found, total = ranked_page(session, groups, role, limit, offset, listed_only)
    result = SearchResult(query=query, session=search_session, groups=groups, total=total, items=found)
    if log and groups:
        if not is_sqlite(session):
            # The log is statistics: the search's transaction (its own, at every caller) need not wait for the
            # disk. A crash may lose the last moment's logs, never make the database inconsistent.
            session.connection().exec_driver_sql("SET LOCAL synchronous_commit = off")
        logs.record_search(session, search_session, query, total)
    return result


def all_visible(session: Session, role: str, category_ids: list[int] | None = None) -> list[FaqItem]:
    """Every item a role may read (a category's list when `category_ids` is given), most used first."""
    statement = select(FaqItem).where(visible_to(role))
    if category_ids is not None:
        statement = statement.where(FaqItem.id.in_(
            select(FaqItemCategory.item_id).where(FaqItemCategory.category_id.in_(category_ids or [-1]))))
    return list(session.scalars(statement.order_by(FaqItem.use_count.desc(), FaqItem.number)))
