"""The one error the business calendar raises."""
from __future__ import annotations

from engine.errors import OkuyamiError


class CalendarError(OkuyamiError):
    """A bad calendar configuration or a bad request (unknown ward, naive datetime, ...).

    `str(exc)` is English for the log; `user_message` is Japanese and safe to show; `problems` lists every
    problem found (a configuration is validated whole, so one error names all of them)."""

    user_message = "業務カレンダーの指定に誤りがあります。"

    def __init__(self, message: str, *, user_message: str | None = None, problems: list[str] | None = None):
        self.problems = list(problems) if problems else [message]
        super().__init__(message, user_message=user_message)
