"""What the API blueprints share: the calling actor, the JSON body, and errors that name each bad field."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, jsonify, request

from processes.okuyami.interview import InvalidAnswers
from processes.tasks.access import Actor, Forbidden
from processes.tasks.validation import FieldError, ValidationFailed
from web.identity import StaffUser


def actor() -> Actor:
    user: StaffUser = g.api_user
    return Actor(user.username, user.role, user.ward, user.department)


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed([FieldError("body", "リクエスト本文を JSON オブジェクトで送ってください。")], status=400,
                               user_message="リクエストの内容を読み込めません。")
    return body


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter within [low, high], or ValidationFailed (400) naming it."""
    value = request.args.get(name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ValidationFailed([FieldError(name, f"{low}から{high}までの整数で指定してください。")], status=400)
    return int(value)


def every_field_checked(*reads: Callable[[], Any]) -> list[Any]:
    """Each read's value; when any fails, one ValidationFailed (400) naming the bad fields of all of them."""
    values, errors = [], []
    for read in reads:
        try:
            values.append(read())
        except ValidationFailed as failed:
            errors.extend(failed.errors)
    if errors:
        raise ValidationFailed(errors, status=400)
    return values


def error_response(status: int, message: str, errors: list[dict] | None = None):
    body = {"error": {"status": status, "message": message}}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


def register_errors(bp: Blueprint) -> None:
    @bp.errorhandler(ValidationFailed)
    def _invalid(exc: ValidationFailed):
        return error_response(exc.status, exc.user_message, [e.as_dict() for e in exc.errors])

    @bp.errorhandler(InvalidAnswers)
    def _answers(exc: InvalidAnswers):
        return error_response(422, exc.user_message, [{"field": f"answers.{e.key}", "message": e.message}
                                                      for e in exc.errors])

    @bp.errorhandler(Forbidden)
    def _forbidden(exc: Forbidden):
        return error_response(403, exc.user_message)
