"""Synonyms: proposed by the searches (processes/faq/logs.py), accepted or dismissed by an editor, or added by
hand. Nothing changes the search until an editor accepts; a dismissed proposal is never proposed again."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound
from processes.faq.models import (
    ACCEPTED,
    DISMISSED,
    PROPOSED,
    FaqSynonym,
    FaqSynonymProposal,
)
from processes.faq.normalise import normalise
from processes.tasks.validation import FieldError, ValidationFailed

MAX_TERM = 50


def proposals(session: Session) -> list[FaqSynonymProposal]:
    return list(session.scalars(select(FaqSynonymProposal).where(FaqSynonymProposal.state == PROPOSED)
                                .order_by(FaqSynonymProposal.support.desc(), FaqSynonymProposal.last_seen.desc())))


def synonyms(session: Session) -> list[FaqSynonym]:
    return list(session.scalars(select(FaqSynonym).order_by(FaqSynonym.term, FaqSynonym.expands_to)))


def _proposal(session: Session, proposal_id: int) -> FaqSynonymProposal:
    proposal = session.get(FaqSynonymProposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None or proposal.state != PROPOSED:
        raise NotFound("no such open proposal", user_message="指定された類義語の候補は見つかりません。")
    return proposal


def accept(session: Session, proposal_id: int, actor: str) -> FaqSynonym:
    proposal = _proposal(session, proposal_id)
    proposal.state, proposal.decided_by = ACCEPTED, actor
    return _add(session, proposal.term, proposal.expands_to, actor)


def dismiss(session: Session, proposal_id: int, actor: str) -> FaqSynonymProposal:
    proposal = _proposal(session, proposal_id)
    proposal.state, proposal.decided_by = DISMISSED, actor
    return proposal


def add(session: Session, term, expands_to, actor: str) -> FaqSynonym:
    errors = []
    for name, value in (("term", term), ("expands_to", expands_to)):
        if not isinstance(value, str) or not normalise(value):
            errors.append(FieldError(name, "語句を入力してください。"))
        elif len(value) > MAX_TERM or " " in normalise(value):
            errors.append(FieldError(name, f"空白を含まない{MAX_TERM}文字以内の語句にしてください。"))
    if not errors and normalise(term) == normalise(expands_to):
        errors.append(FieldError("expands_to", "元の語句と異なる語句にしてください。"))
    if errors:
        raise ValidationFailed(errors)
    return _add(session, normalise(term), normalise(expands_to), actor)


def _add(session: Session, term: str, expands_to: str, actor: str) -> FaqSynonym:
    existing = session.scalar(select(FaqSynonym).where(FaqSynonym.term == term, FaqSynonym.expands_to == expands_to))
    if existing is not None:
        return existing
    synonym = FaqSynonym(term=term, expands_to=expands_to, created_by=actor, created_at=utcnow())
    session.add(synonym)
    session.flush()
    return synonym


def remove(session: Session, synonym_id: int) -> None:
    synonym = session.get(FaqSynonym, synonym_id) if 0 < synonym_id < 2**31 else None
    if synonym is None:
        raise NotFound("no such synonym", user_message="指定された類義語は見つかりません。")
    session.delete(synonym)
