"""What the public side took in but the staff side could not take (not decrypted, or not valid), kept for the
supervisor: the list (no personal data: number, kind, when, why), one request's content (audited, since a booking
request names a family) and settling it once the supervisor has dealt with it (e.g. called the family)."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.errors import NotFound
from engine.runtime import audit
from processes.public.models import PublicRequest
from processes.tasks.access import MAX_ID, Actor, require

READERS = frozenset({"supervisor"})
KEPT, SETTLED = "kept", "settled"
KINDS = {"booking": "予約の申込み", "inquiry": "お問い合わせ", "survey": "アンケート"}


def kept(session: Session, actor: Actor) -> list[PublicRequest]:
    require(actor.role in READERS)
    return list(session.scalars(select(PublicRequest).where(PublicRequest.state == KEPT)
                                .order_by(PublicRequest.received_at, PublicRequest.id)))


def _request(session: Session, actor: Actor, request_id: int) -> PublicRequest:
    require(actor.role in READERS)
    found = session.get(PublicRequest, request_id) if 1 <= request_id <= MAX_ID else None
    if found is None or found.state != KEPT:
        raise NotFound("no kept public request", user_message="指定された申込みは見つからないか、対応済みです。")
    return found


def content(session: Session, actor: Actor, request_id: int) -> tuple[PublicRequest, dict | None]:
    """The request and what arrived (None when it could not be decrypted); the read is audited."""
    found = _request(session, actor, request_id)
    try:
        payload = json.loads(found.payload) if found.payload else None
    except (UnicodeDecodeError, ValueError):
        payload = None
    audit.record(session, actor.username, "public_request.viewed", detail={"request": found.number})
    return found, payload if isinstance(payload, dict) else None


def settle(session: Session, actor: Actor, request_id: int, note: str) -> PublicRequest:
    found = _request(session, actor, request_id)
    found.state = SETTLED
    found.problem = f"{found.problem or ''}\n対応済み（{utcnow().date().isoformat()}）: {note.strip()[:500]}".strip()
    found.payload = None                                # what the family sent is not kept once dealt with
    audit.record(session, actor.username, "public_request.settled", detail={"request": found.number})
    return found
