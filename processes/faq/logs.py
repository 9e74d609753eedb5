"""What operators searched and used, per random search session (never who searched), and what it teaches.

A query that found nothing, followed in the same session by a query whose item was then used, proposes a synonym
(zero-hit words → the words that worked), with how often that was seen. Raw logs are deleted after 90 days
(`purge`, called by the worker); the counts per query, the items' use counts and the proposals stay.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.faq.identifiers import parse_faq_id
from processes.faq.models import (
    PROPOSED,
    FaqItem,
    FaqItemUse,
    FaqQueryCount,
    FaqSearchLog,
    FaqSynonym,
    FaqSynonymProposal,
)
from processes.faq.normalise import normalise

RETENTION = timedelta(days=90)
_SESSION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def valid_session(value: str | None) -> bool:
    return bool(value and _SESSION.match(value))


_counts: dict[str, object] = {}


def _count_upsert(dialect: str):
    """The query's count, up by one, in one statement (two operators searching the same new words at once both
    count); built once per dialect."""
    statement = _counts.get(dialect)
    if statement is None:
        table = FaqQueryCount.__table__
        upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
        statement = _counts[dialect] = upsert.on_conflict_do_update(index_elements=[table.c.normalised], set_={
            "query": upsert.excluded.query, "searches": table.c.searches + 1,
            "zero_hits": table.c.zero_hits + upsert.excluded.zero_hits, "last_at": upsert.excluded.last_at})
    return statement


_INSERT_LOG = insert(FaqSearchLog.__table__)


def record_search(session: Session, search_session: str, query: str, hits: int, at: datetime | None = None) -> None:
    at = at or utcnow()
    normalised = normalise(query)[:200]
    connection = session.connection()
    connection.execute(_INSERT_LOG, {"session_id": search_session, "query": query[:200], "normalised": normalised,
                                     "hits": hits, "at": at})
    connection.execute(_count_upsert(connection.dialect.name), {
        "normalised": normalised, "query": query[:200], "searches": 1, "zero_hits": int(hits == 0), "last_at": at})


def record_use(session: Session, search_session: str, item: FaqItem, at: datetime | None = None) -> None:
    """The operator answered with `item`; learns a proposal from this session's searches."""
    at = at or utcnow()
    first_use = session.scalar(select(FaqItemUse.id).where(FaqItemUse.session_id == search_session).limit(1)) is None
    session.add(FaqItemUse(session_id=search_session, item_id=item.id, at=at))
    item.use_count += 1
    if first_use:
        _learn(session, search_session, at)


def _learn(session: Session, search_session: str, at: datetime) -> None:
    searches = list(session.scalars(select(FaqSearchLog).where(FaqSearchLog.session_id == search_session,
                                                                FaqSearchLog.at <= at)
                                    .order_by(FaqSearchLog.at, FaqSearchLog.id)))
    found = next((s for s in reversed(searches) if s.hits > 0), None)
    if found is None or " " in found.normalised:
        return
    misses = {s.normalised for s in searches if s.hits == 0 and s.id < found.id and s.normalised
              and " " not in s.normalised and s.normalised != found.normalised}
    for term in sorted(misses):
        _propose(session, term, found.normalised, at)


def _propose(session: Session, term: str, expands_to: str, at: datetime) -> None:
    if session.scalar(select(FaqSynonym.id).where(FaqSynonym.term == term, FaqSynonym.expands_to == expands_to)):
        return
    proposal = session.scalar(select(FaqSynonymProposal).where(FaqSynonymProposal.term == term,
                                                               FaqSynonymProposal.expands_to == expands_to))
    if proposal is None:
        session.add(FaqSynonymProposal(term=term, expands_to=expands_to, support=1, state=PROPOSED,
                                       first_seen=at, last_seen=at))
    elif proposal.state == PROPOSED:
        proposal.support += 1
        proposal.last_seen = at
    # accepted: already a synonym; dismissed: never proposed again


def zero_hit_report(session: Session, limit: int = 50) -> list[FaqQueryCount]:
    """The queries that found nothing, most frequent first."""
    return list(session.scalars(select(FaqQueryCount).where(FaqQueryCount.zero_hits > 0)
                                .order_by(FaqQueryCount.zero_hits.desc(), FaqQueryCount.last_at.desc())
                                .limit(limit)))


def purge(session: Session, now: datetime | None = None) -> int:
    """Delete raw search logs and uses older than 90 days; returns how many rows went."""
    cutoff = (now or utcnow()) - RETENTION
    removed = session.execute(delete(FaqSearchLog).where(FaqSearchLog.at < cutoff)).rowcount
    removed += session.execute(delete(FaqItemUse).where(FaqItemUse.at < cutoff)).rowcount
    return removed



def record_citation(session: Session, item_id: int) -> bool:
    """A contact record cites the item: counted as a use (no search session to learn from). False if unknown."""
    item = session.get(FaqItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or item.deleted_at is not None:
        return False
    item.use_count += 1
    return True


def cite(session: Session, reference: int | str) -> bool:
    """A contact record's FAQ link (an item id, or a FAQ-ID such as FAQ-000123) counted as a use of that item."""
    if isinstance(reference, int):
        return record_citation(session, reference)
    number = parse_faq_id(str(reference))
    item_id = session.scalar(select(FaqItem.id).where(FaqItem.number == number)) if number is not None else None
    return record_citation(session, item_id or 0)
