"""The city's keys for the public side (table city_keys): made on first use, the newest in use, every one still
opening what was sealed for it. The private halves are stored encrypted with the data key and never exported."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from processes.public import sealing
from processes.public.models import CityKey

NAME = "keys"


def current(session: Session) -> CityKey:
    key = session.scalars(select(CityKey).order_by(CityKey.id.desc()).limit(1)).first()
    if key is None:
        box_public, box_secret = sealing.new_box_keys()
        verify_key, sign_secret = sealing.new_signing_keys()
        key = CityKey(created_at=utcnow(), box_public=box_public, box_secret=box_secret, verify_key=verify_key,
                      sign_secret=sign_secret)
        session.add(key)
        session.flush()
    return key


def private_keys(session: Session) -> list[bytes]:
    return [bytes(k) for k in session.scalars(select(CityKey.box_secret).order_by(CityKey.id.desc()))]


def build(session: Session, today) -> dict:
    """The export's part: the public halves only."""
    key = current(session)
    return {"box_public_key": key.box_public, "pull_verify_key": key.verify_key}
