"""Deployed versions of the procedure catalogue, each stored once, identified by its content hash.

The live catalogue is the most recently deployed version, or the repository's catalogue.yaml while none has been
deployed. Deploying a text validates it first and writes nothing if it is refused. Deploying the text of the live
version again changes nothing; deploying the text of an older version (a revert) makes that stored row live again
by moving its deployed_at/deployed_by forward; the audit log keeps every deploy.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime, timedelta

from sqlalchemy import Date, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, defer, mapped_column

from engine.db.base import Base
from engine.db.types import UTCDateTime, utcnow
from processes.okuyami.catalogue import Catalogue, load_catalogue, validate_catalogue_text

AUDIT_ACTION = "catalogue.deploy"
_CACHE_SIZE = 8


class CatalogueVersion(Base):
    """One deployed catalogue text. `content_hash` is unique: the same text is stored once."""

    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_label: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[date] = mapped_column(Date)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When this text last became live (a revert moves it forward)."""
    deployed_by: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")


_parsed: OrderedDict[str, Catalogue] = OrderedDict()
_lock = threading.Lock()


def _remember(catalogue: Catalogue) -> Catalogue:
    with _lock:
        _parsed[catalogue.content_hash] = catalogue
        _parsed.move_to_end(catalogue.content_hash)
        while len(_parsed) > _CACHE_SIZE:
            _parsed.popitem(last=False)
    return catalogue


def _cached(content_hash: str) -> Catalogue | None:
    with _lock:
        catalogue = _parsed.get(content_hash)
        if catalogue is not None:
            _parsed.move_to_end(content_hash)
        return catalogue


def _latest_query():
    return select(CatalogueVersion).order_by(CatalogueVersion.deployed_at.desc(), CatalogueVersion.id.desc()).limit(1)


def live_catalogue_version(session: Session) -> CatalogueVersion | None:
    """The row of the live catalogue, or None while only the repository's YAML exists."""
    return session.scalars(_latest_query().options(defer(CatalogueVersion.content))).first()


def deploy_catalogue(session: Session, text: str | bytes, actor: str, comment: str = "") -> CatalogueVersion:
    """Validate and store `text` as the live catalogue. Raises CatalogueError, writing nothing, if it is refused."""
    catalogue = validate_catalogue_text(text)
    live = live_catalogue_version(session)
    if live is not None and live.content_hash == catalogue.content_hash:
        return live

    existing = _by_hash(session, catalogue.content_hash)
    now = _after(live)
    if existing is not None:
        existing.deployed_at = now
        existing.deployed_by = actor
        if comment:
            existing.comment = comment
        session.flush()
        row, reverted = existing, True
    else:
        row = CatalogueVersion(version_label=catalogue.version, content_hash=catalogue.content_hash,
                               content=catalogue.text, effective_from=catalogue.effective_from, deployed_at=now,
                               deployed_by=actor, comment=comment)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            reverted = False
        except IntegrityError:
            # The same text was deployed by someone else in the meantime: it is stored once, return that row.
            row = _by_hash(session, catalogue.content_hash)
            if row is None:
                raise
            return row
    _audit(session, actor, row, reverted=reverted, previous=live, comment=comment)
    _remember(catalogue)
    return row


def live_catalogue(session: Session) -> Catalogue:
    """The latest deployed catalogue, or the repository's catalogue.yaml if none has been deployed."""
    latest = session.execute(select(CatalogueVersion.id, CatalogueVersion.content_hash)
                             .order_by(CatalogueVersion.deployed_at.desc(), CatalogueVersion.id.desc())
                             .limit(1)).first()
    if latest is None:
        return load_catalogue()
    cached = _cached(latest.content_hash)
    if cached is not None:
        return cached
    content = session.scalar(select(CatalogueVersion.content).where(CatalogueVersion.id == latest.id))
    return _remember(validate_catalogue_text(content))


def list_catalogue_versions(session: Session) -> list[CatalogueVersion]:
    """Every stored version, the live one first. `content` is not loaded (read it inside the session if needed)."""
    return list(session.scalars(select(CatalogueVersion).options(defer(CatalogueVersion.content))
                                .order_by(CatalogueVersion.deployed_at.desc(), CatalogueVersion.id.desc())))


def _by_hash(session: Session, content_hash: str) -> CatalogueVersion | None:
    return session.scalars(select(CatalogueVersion).where(CatalogueVersion.content_hash == content_hash)).first()


def _after(live: CatalogueVersion | None) -> datetime:
    """Now, but strictly after the live version's deployed_at, so that "latest" never depends on clock ties."""
    now = utcnow()
    if live is not None and live.deployed_at >= now:
        return live.deployed_at + timedelta(microseconds=1)
    return now


def _audit(session: Session, actor: str, row: CatalogueVersion, *, reverted: bool,
           previous: CatalogueVersion | None, comment: str) -> None:
    from engine.runtime.audit import (
        record,  # the runtime package is heavy; Alembic's env imports this module
    )

    record(session, actor, AUDIT_ACTION, detail={
        "catalogue_version_id": row.id, "version_label": row.version_label, "content_hash": row.content_hash,
        "previous_content_hash": previous.content_hash if previous is not None else None,
        "reverted": reverted, "comment": comment})
