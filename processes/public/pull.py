"""`okuyami public pull`: what the public side took in comes to the staff side. Each sealed item is opened with the
city's private key and handed to its kind's receiver (a booking request, a web inquiry, a survey answer), one
transaction per item; only after that commit is the item removed from the public side. An item that cannot be
opened or validated is not lost: it is kept in public_requests (state `kept`, the reason beside it) for the
supervisor. Pulling the same item twice stores it once (its number is unique)."""
from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.public import keys, sealing, survey
from processes.public.models import PublicRequest, SurveyAnswer

KEPT, ACCEPTED = "kept", "accepted"
log = logging.getLogger(__name__)
Receiver = Callable[[Session, object, str, dict], str | None]
"""(session, services, number, payload) -> None when taken, else the reason (Japanese) it is kept."""


@dataclass
class PullResult:
    booking: int = 0
    inquiry: int = 0
    survey: int = 0
    kept: int = 0
    problems: list[str] = field(default_factory=list)

    def count(self, kind: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)


class FolderSource:
    """The public side's data directory on this machine (or a copy of its inbox)."""

    def __init__(self, root: Path, batch: int = 500):
        self.root, self.batch = Path(root), batch

    def items(self) -> list[sealing.SealedItem]:
        return sealing.read_items(self.root, self.batch)

    def remove(self, names: list[str]) -> None:
        for name in names:
            sealing.remove_item(self.root, name)


class UrlSource:
    """A served public side: GET /inbox/items and POST /inbox/ack, signed with the city's signing key."""

    def __init__(self, url: str, sign_secret: bytes, timeout: float = 30):
        self.url, self.sign_secret, self.timeout = url.rstrip("/"), sign_secret, timeout

    def _request(self, path: str, body: dict | None = None) -> dict:
        data = b"" if body is None else json.dumps(body).encode()
        method = "GET" if body is None else "POST"
        signed_path = urllib.parse.urlsplit(self.url + path).path
        request = urllib.request.Request(
            self.url + path, data=data or None, method=method,
            headers={sealing.SIGNATURE_HEADER: sealing.pull_signature(self.sign_secret, method, signed_path, data),
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:     # noqa: S310 (the city's URL)
            return json.loads(response.read().decode("utf-8"))

    def items(self) -> list[sealing.SealedItem]:
        found = self._request("/inbox/items").get("items", [])
        return [sealing.SealedItem(i["kind"], i["number"], sealing.unb64(i["sealed"]))
                for i in found if i.get("kind") in sealing.KINDS]

    def remove(self, names: list[str]) -> None:
        if names:
            self._request("/inbox/ack", {"names": names})


def _receivers() -> dict[str, Receiver]:
    from processes.public import booking_requests, inquiries

    return {"survey": lambda session, services, number, payload: survey.receive(session, number, payload),
            "booking": booking_requests.receive, "inquiry": inquiries.receive}


def _seen(session: Session, item: sealing.SealedItem) -> bool:
    if item.kind == "survey" and session.scalar(
            select(SurveyAnswer.id).where(SurveyAnswer.public_id == item.number)) is not None:
        return True
    return session.scalar(select(PublicRequest.id).where(PublicRequest.number == item.number)) is not None


def _keep(session: Session, item: sealing.SealedItem, problem: str, payload: dict | None) -> None:
    session.add(PublicRequest(
        number=item.number, kind=item.kind, state=KEPT, received_at=utcnow(), problem=problem,
        payload=(json.dumps(payload, ensure_ascii=False).encode("utf-8") if payload is not None else item.blob)))


def take(database, services, item: sealing.SealedItem, result: PullResult) -> None:
    """One item in its own transaction: taken, kept for the supervisor, or already here."""
    receivers = _receivers()
    with database.transaction() as session:
        if _seen(session, item):
            return
        try:
            payload = sealing.open_sealed(keys.private_keys(session), item.blob)
        except ValueError:
            _keep(session, item, "市の鍵で開けませんでした（別の鍵で封をされたか、途中で壊れています）。", None)
            result.kept += 1
            return
        if payload.get("kind") != item.kind or payload.get("number") != item.number:
            _keep(session, item, "受付番号または種類が封の中身と一致しません。", payload)
            result.kept += 1
            return
        problem = None
        try:
            with session.begin_nested():
                receiver = receivers.get(item.kind)
                problem = (receiver(session, services, item.number, payload) if receiver is not None
                           else "この種類の受付はまだ取り込めません。")
                if problem is not None:
                    raise _Refused(problem)
        except _Refused:
            pass
        except (TypeError, ValueError, KeyError, AttributeError) as exc:     # a payload shaped unlike any form
            log.warning("public pull: %s %s could not be taken (%s)", item.kind, item.number, type(exc).__name__)
            problem = "申込みの形式が想定と異なるため、取り込めませんでした。"
        if problem is not None:
            _keep(session, item, problem, payload)
            result.kept += 1
            result.problems.append(f"{item.number}: {problem}")
            return
        result.count(item.kind)


class _Refused(Exception):
    """Rolls back what a receiver began before it found the item invalid."""


def pull(database, services, source) -> PullResult:
    """Everything the public side holds: a source hands out a batch at a time (500), so batches are taken until
    one brings nothing new (an item whose removal failed comes again and is not taken twice)."""
    result = PullResult()
    taken: set[str] = set()
    while True:
        items = [item for item in source.items() if item.name not in taken]
        if not items:
            return result
        for item in items:
            take(database, services, item, result)
        names = [item.name for item in items]
        source.remove(names)
        taken.update(names)


def signing_secret(database) -> bytes:
    with database.transaction() as session:
        return bytes(keys.current(session).sign_secret)


def kept_requests(session: Session) -> list[PublicRequest]:
    return list(session.scalars(select(PublicRequest).where(PublicRequest.state == KEPT)
                                .order_by(PublicRequest.received_at)))
