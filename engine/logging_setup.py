"""Logs as JSON lines: every record of every logger (ours, SpiffWorkflow's, waitress', gunicorn's) one JSON object
on standard error, with the request id of the request it belongs to.

Never personal data: messages are ours (ids, counts, route rules, never values a person typed), and an exception is
logged by its type and the code locations of its traceback, never its message (a database error's message carries
the statement's parameters). SpiffWorkflow logs every task's state change at INFO ("State changed to ...", with the
task's data in `extra`): its loggers (`spiff.*`) take their own level, OKUYAMI_SPIFF_LOG_LEVEL, WARNING by default.
"""
from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
request_id: ContextVar[str | None] = ContextVar("okuyami_request_id", default=None)
"""Set by the web layer for each request; every record logged while it runs carries it."""
THIRD_PARTY_TO_ROOT = ("gunicorn.error", "gunicorn.access", "waitress", "werkzeug", "apscheduler")
SPIFF_LOGGERS = ("spiff",)
QUIET_LOGGERS = ("alembic",)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict = {"at": datetime.fromtimestamp(record.created, TOKYO).isoformat(timespec="milliseconds"),
                      "level": record.levelname, "logger": record.name}
        current = request_id.get()
        if current:
            line["request_id"] = current
        message = record.getMessage()
        parsed = _json_object(message)
        if parsed is not None:
            line.update({k: v for k, v in parsed.items() if k not in line or k == "request_id"})
        else:
            line["message"] = message
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            line["error"] = kind.__name__
            line["trace"] = [f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
                             for frame in traceback.extract_tb(trace)][-8:]
        return json.dumps(line, ensure_ascii=False, default=str)


def _json_object(message: str) -> dict | None:
    if not message.startswith("{"):
        return None
    try:
        value = json.loads(message)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class _OkuyamiHandler(logging.StreamHandler):
    """Marks the handler this module installed, so that configuring twice replaces it instead of adding another."""


def configure_logging(level: str = "INFO", spiff_level: str = "WARNING", stream=None) -> logging.Handler:
    """The root logger writes JSON lines at `level`; SpiffWorkflow's loggers at `spiff_level`; the servers' own
    handlers are removed so that their records reach the root handler too. Handlers others added (a test's log
    capture) are left alone."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers
                    if isinstance(h, _OkuyamiHandler) or isinstance(h.formatter, JsonLines)]:
        root.removeHandler(handler)   # ours, or the JSON handler of deploy/gunicorn.conf.py: one line per record
    handler = _OkuyamiHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in SPIFF_LOGGERS:
        logging.getLogger(name).setLevel(spiff_level.upper())
    for name in QUIET_LOGGERS:   # alembic's INFO lines (its plugins, each migration context) say nothing to operate
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in THIRD_PARTY_TO_ROOT:
        logger = logging.getLogger(name)
        for own in list(logger.handlers):
            logger.removeHandler(own)
        logger.propagate = True
    return handler
