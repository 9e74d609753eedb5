"""Column types: timezone-aware UTC datetimes on every backend, and AES-GCM encrypted bytes."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.types import TypeDecorator

from .. import crypto


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware datetimes (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class EncryptedBytes(TypeDecorator):
    """Bytes encrypted with the configured key ring before they reach the database."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect):
        if value is None:
            return None
        return crypto.keyring().encrypt(value)

    def process_result_value(self, value: bytes | None, dialect):
        if value is None:
            return None
        return crypto.keyring().decrypt(bytes(value))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
