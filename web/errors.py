"""Errors: Japanese for people, English in the log, JSON for the API, never a stack trace or personal data."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from engine.errors import NotFound, OkuyamiError, TaskConflict

log = logging.getLogger(__name__)

_STATUS = {NotFound: 404, TaskConflict: 409}
_HTTP_MESSAGES = {400: "リクエストの内容に誤りがあります。", 401: "ログインが必要です。", 403: "この操作を行う権限がありません。",
                  404: "ページが見つかりません。", 405: "この操作は利用できません。", 413: "送信されたデータが大きすぎます。",
                  500: "システムエラーが発生しました。時間をおいて再度お試しください。"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, message: str):
    if _wants_json():
        return jsonify({"error": {"status": status, "message": message}}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(OkuyamiError)
    def _okuyami(exc: OkuyamiError):
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        log.info("%s on %s: %s", type(exc).__name__, request.path, exc)
        return _respond(status, exc.user_message)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return _respond(exc.code or 500, _HTTP_MESSAGES.get(exc.code or 500, exc.description or ""))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, _HTTP_MESSAGES[500])
