"""The FAQ's categories and synonyms through the JSON API: the category tree (list, add, copy a subtree with its
items) and synonym proposals (list, accept, dismiss) and synonyms added by hand. Roles as processes/faq/access.py."""
from __future__ import annotations

from flask import Blueprint, jsonify

from processes.faq import categories, synonyms
from processes.faq.access import EDITORS, READERS, REVIEWERS
from processes.tasks.access import require
from web.api.support import actor, json_body, register_errors
from web.api.tokens import token_required
from web.extensions import platform

bp = Blueprint("api_faq_vocabulary", __name__, url_prefix="/api/v1")
register_errors(bp)


def _category(node) -> dict:
    return {"id": node.id, "name": node.name, "parent_id": node.parent_id, "path": node.path}


@bp.get("/faq-categories")
@token_required
def category_list():
    require(actor().role in READERS)
    with platform().database.transaction(write=False) as session:
        return jsonify({"items": [_category(n) for n in categories.tree(session)]})


@bp.post("/faq-categories")
@token_required
def category_create():
    require(actor().role in EDITORS)
    body = json_body()
    with platform().database.transaction() as session:
        created = categories.create(session, body.get("name"), body.get("parent_id"))
        node = next(n for n in categories.tree(session) if n.id == created.id)
        return jsonify(_category(node)), 201


@bp.post("/faq-categories/<int:category_id>/copy")
@token_required
def category_copy(category_id: int):
    who = actor()
    require(who.role in EDITORS)
    body = json_body()
    with platform().database.transaction() as session:
        copied = categories.copy(session, categories.get(session, category_id), body.get("parent_id"), who.username)
        node = next(n for n in categories.tree(session) if n.id == copied.id)
        return jsonify(_category(node)), 201


def _proposal(proposal) -> dict:
    return {"id": proposal.id, "term": proposal.term, "expands_to": proposal.expands_to, "support": proposal.support,
            "state": proposal.state, "last_seen": proposal.last_seen.isoformat()}


@bp.get("/faqs/synonyms/proposals")
@token_required
def proposal_list():
    require(actor().role in REVIEWERS)
    with platform().database.transaction(write=False) as session:
        return jsonify({"items": [_proposal(p) for p in synonyms.proposals(session)]})


@bp.post("/faqs/synonyms/proposals/<int:proposal_id>/accept")
@token_required
def proposal_accept(proposal_id: int):
    who = actor()
    require(who.role in EDITORS)
    with platform().database.transaction() as session:
        synonym = synonyms.accept(session, proposal_id, who.username)
        return jsonify({"id": synonym.id, "term": synonym.term, "expands_to": synonym.expands_to})


@bp.post("/faqs/synonyms/proposals/<int:proposal_id>/dismiss")
@token_required
def proposal_dismiss(proposal_id: int):
    who = actor()
    require(who.role in EDITORS)
    with platform().database.transaction() as session:
        return jsonify(_proposal(synonyms.dismiss(session, proposal_id, who.username)))


@bp.post("/faqs/synonyms")
@token_required
def synonym_create():
    who = actor()
    require(who.role in EDITORS)
    body = json_body()
    with platform().database.transaction() as session:
        synonym = synonyms.add(session, body.get("term"), body.get("expands_to"), who.username)
        return jsonify({"id": synonym.id, "term": synonym.term, "expands_to": synonym.expands_to}), 201
