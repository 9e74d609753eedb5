"""Validation errors that name each bad field, and JSON Schema validation of task forms with Japanese messages."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from engine.errors import InvalidTaskData, NotFound


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class ValidationFailed(InvalidTaskData):
    """Input that breaks a form or a business rule; `errors` names every bad field. `status` is the HTTP answer
    an API gives (422 for content that is wrong, 409 for a slot that was taken meanwhile)."""

    user_message = "入力内容に誤りがあります。"

    def __init__(self, errors: list[FieldError], *, status: int = 422, user_message: str | None = None):
        self.errors = list(errors)
        self.status = status
        super().__init__("invalid input: " + ", ".join(e.field for e in self.errors), user_message=user_message)


_MESSAGES = {
    "type": "値の種類が正しくありません。", "enum": "選択肢の中から選んでください。",
    "pattern": "入力形式が正しくありません。", "format": "形式が正しくありません（日付は YYYY-MM-DD）。",
    "minLength": "入力してください。", "maxLength": "文字数が多すぎます。",
    "additionalProperties": "この項目は受け付けられません。", "minimum": "値が小さすぎます。",
    "maximum": "値が大きすぎます。", "minItems": "項目が足りません。", "maxItems": "項目が多すぎます。",
}
KANA_MESSAGE = "フリガナは全角カタカナで入力してください。"


def _path(parts) -> str:
    return ".".join(str(p) for p in parts)


def _field_errors(error) -> list[FieldError]:
    if error.validator in ("allOf", "anyOf", "oneOf") and error.context:
        return [fe for sub in error.context for fe in _field_errors(sub)]
    base = list(error.absolute_path)
    if error.validator == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        return [FieldError(_path([*base, p]), "必須項目です。") for p in missing]
    field = _path(base) or "body"
    if error.validator == "pattern" and base and str(base[-1]).endswith("kana"):
        return [FieldError(field, KANA_MESSAGE)]
    return [FieldError(field, _limit_message(error) or _MESSAGES.get(error.validator, "入力内容が正しくありません。"))]


_DIGITS = re.compile(r"^\^\\d\{(\d+)\}\$$")


def _limit_message(error) -> str | None:
    """A message that says the limit (and how far the input is from it), or None for the plain message."""
    limit, value = error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if isinstance(schema.get("errorMessage"), str):
        return schema["errorMessage"]
    title = schema.get("title") or "この項目"
    if error.validator == "maxLength" and isinstance(value, str):
        return f"{limit}文字以内で入力してください（現在{len(value)}文字）。"
    if error.validator == "minLength" and isinstance(value, str) and limit > 1:
        return f"{limit}文字以上で入力してください（現在{len(value)}文字）。"
    if error.validator == "pattern" and isinstance(limit, str) and _DIGITS.match(limit):
        return f"{title}は{_DIGITS.match(limit).group(1)}桁の数字です（半角数字で、ハイフンなし）。"
    if error.validator in ("minimum", "exclusiveMinimum"):
        return f"{limit}{'以上' if error.validator == 'minimum' else 'より大きい'}の値を入力してください。"
    if error.validator in ("maximum", "exclusiveMaximum"):
        return f"{limit}{'以下' if error.validator == 'maximum' else '未満'}の値を入力してください。"
    if error.validator == "maxItems" and isinstance(value, list):
        return f"{limit}件以内にしてください（現在{len(value)}件）。"
    if error.validator == "minItems" and isinstance(value, list):
        return f"{limit}件以上選んでください（現在{len(value)}件）。"
    return None


def schema_errors(schema: dict, data) -> list[FieldError]:
    """Every violation of the JSON Schema, one FieldError per field (dotted path), in a stable order."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    found: dict[str, FieldError] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        for field_error in _field_errors(error):
            found.setdefault(field_error.field, field_error)
    return list(found.values())


@lru_cache(maxsize=64)
def _read(path: Path, mtime: float) -> str:
    return path.read_text(encoding="utf-8")


def load_form(forms_dir: Path, name: str | None) -> dict:
    """The JSON Schema of a user task's form (forms/tasks/NAME)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise NotFound(f"form {name!r} not found", user_message="このタスクのフォームが見つかりません。")
    path = Path(forms_dir) / "tasks" / name
    if not path.is_file():
        raise NotFound(f"form {name!r} not found", user_message="このタスクのフォームが見つかりません。")
    return json.loads(_read(path, path.stat().st_mtime))


UNKNOWN_FIELD_MESSAGE = "このフォームにない項目です。フォームの項目だけを送ってください。"


def _resolve(root: dict, schema: dict) -> dict:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/"):
        target = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _resolve(root, target)
    return schema if isinstance(schema, dict) else {}


def unknown_field_errors(schema: dict, data, root: dict | None = None, path: tuple = ()) -> list[FieldError]:
    """Each field of `data` that the form does not have (dotted path), where the form lists its fields: data for
    fields no form shows would otherwise reach the case as if someone had entered it."""
    root = root if root is not None else schema
    schema = _resolve(root, schema)
    combined = any(key in schema for key in ("allOf", "anyOf", "oneOf", "if", "patternProperties"))
    errors: list[FieldError] = []
    if isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        properties = schema["properties"]
        for key, value in data.items():
            if key in properties:
                errors += unknown_field_errors(properties[key], value, root, (*path, key))
            elif schema.get("additionalProperties", False) is False and not combined:
                errors.append(FieldError(_path((*path, key)), UNKNOWN_FIELD_MESSAGE))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            errors += unknown_field_errors(schema["items"], item, root, (*path, index))
    return errors
