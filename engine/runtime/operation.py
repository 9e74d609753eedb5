"""The database session of the runtime operation in progress (start, complete, message, timer...), for what the
application runs inside it without a session of its own: a service task that reads the live models reads them in
the operation's own transaction, so it sees exactly what the operation sees."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from sqlalchemy.orm import Session

_session: ContextVar[Session | None] = ContextVar("okuyami_operation_session", default=None)


def operation_session() -> Session | None:
    """The session of the runtime operation this code runs in, or None outside one."""
    return _session.get()


@contextmanager
def in_operation(session: Session) -> Iterator[Session]:
    token = _session.set(session)
    try:
        yield session
    finally:
        _session.reset(token)
