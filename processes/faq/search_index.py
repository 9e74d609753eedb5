"""The search index: normalised columns on faq_items, plus on SQLite an FTS5 `trigram` table beside them.

On PostgreSQL the pg_trgm GIN index on faq_items.search_text (migration 0011) serves `LIKE '%word%'`. On SQLite
the FTS5 table `faq_search_fts` (rowid = item id) is derived data: created and filled from faq_items the first time
a database is used, then kept in step by `reindex`/`unindex` in the same transaction as the item's change.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from processes.faq.models import FaqItem
from processes.faq.normalise import normalise

FTS_TABLE = "faq_search_fts"
_ready: set[str] = set()


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def fill_search_columns(item: FaqItem) -> None:
    item.search_question = normalise(item.question)
    item.search_keywords = " ".join(normalise(k) for k in item.keywords or [])
    item.search_answer = normalise(item.answer)
    item.search_text = f"{item.search_question}\n{item.search_keywords}\n{item.search_answer}"


def ensure_fts(session: Session) -> None:
    """Create and fill the SQLite FTS5 table if this database has none yet (once per process and database)."""
    if not is_sqlite(session):
        return
    key = str(session.get_bind().url)
    if key in _ready:
        return
    exists = session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"), {"name": FTS_TABLE}).first()
    if not exists:
        # Another process may be doing the same: the table is created once and filled only while empty.
        session.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                             "question, keywords, answer, tokenize='trigram')"))
        session.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, question, keywords, answer) "
                             "SELECT id, search_question, search_keywords, search_answer FROM faq_items "
                             f"WHERE deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM {FTS_TABLE})"))
    _ready.add(key)


def forget_databases() -> None:
    """Tests that recreate a database at the same address call this."""
    _ready.clear()


def reindex(session: Session, item: FaqItem) -> None:
    fill_search_columns(item)
    if not is_sqlite(session):
        return
    ensure_fts(session)
    session.flush()
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": item.id})
    session.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, question, keywords, answer) VALUES (:id, :q, :k, :a)"),
                    {"id": item.id, "q": item.search_question, "k": item.search_keywords, "a": item.search_answer})


def unindex(session: Session, item_id: int) -> None:
    if is_sqlite(session):
        ensure_fts(session)
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": item_id})
