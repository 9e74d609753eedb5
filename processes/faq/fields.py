"""Checking an FAQ item's fields as an editor or an integration sends them; every bad field gets a Japanese
message that says what is allowed."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from processes.faq.models import AUDIENCE_ALL, AUDIENCE_SUPERVISORS
from processes.tasks.validation import FieldError, ValidationFailed

FIELDS = ("question", "answer", "categories", "keywords", "related_faq_ids", "related_urls", "published",
          "publish_start", "publish_end", "audience")
MAX_QUESTION, MAX_ANSWER, MAX_KEYWORD, MAX_KEYWORDS, MAX_URLS = 500, 10000, 50, 30, 20
AUDIENCES = {AUDIENCE_ALL: "すべてのオペレーター", AUDIENCE_SUPERVISORS: "スーパーバイザーのみ"}


def _text(value, name: str, limit: int, errors: list) -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors.append(FieldError(name, "入力してください。"))
        return None
    if len(value) > limit:
        errors.append(FieldError(name, f"{limit}文字以内で入力してください。"))
        return None
    return value.strip().replace("\r\n", "\n")


def _ids(value, name: str, errors: list) -> list[int] | None:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31
                                              for v in value):
        errors.append(FieldError(name, "ID（正の整数）の配列で指定してください。"))
        return None
    return list(dict.fromkeys(value))


def _keywords(value, errors: list) -> list[str] | None:
    if isinstance(value, str):
        value = [v for v in value.replace("、", ",").split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append(FieldError("keywords", "キーワードは文字列の配列（または読点・カンマ区切り）で指定してください。"))
        return None
    words = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(words) > MAX_KEYWORDS or any(len(w) > MAX_KEYWORD for w in words):
        errors.append(FieldError("keywords", f"キーワードは{MAX_KEYWORDS}個まで、1つ{MAX_KEYWORD}文字以内です。"))
        return None
    return words


def _urls(value, errors: list) -> list[dict] | None:
    if not isinstance(value, list) or len(value) > MAX_URLS:
        errors.append(FieldError("related_urls", f"関連URLは {{\"title\", \"url\"}} の配列（{MAX_URLS}件まで）で指定してください。"))
        return None
    urls = []
    for index, entry in enumerate(value):
        title = entry.get("title") if isinstance(entry, dict) else None
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            errors.append(FieldError(f"related_urls.{index}.title", "リンクの題名を200文字以内で入力してください。"))
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            errors.append(FieldError(f"related_urls.{index}.url", "http:// または https:// で始まるアドレスを入力してください。"))
        if isinstance(title, str) and isinstance(url, str):
            urls.append({"title": title.strip(), "url": url.strip()})
    return urls


def _date(value, name: str, errors: list) -> date | None:
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append(FieldError(name, "日付は YYYY-MM-DD の形式で指定してください（例: 2026-04-01）。"))
        return None


def clean(body: dict, *, partial: bool) -> dict:
    """The fields of `body` checked and converted; missing ones are errors unless `partial` (PATCH)."""
    errors: list[FieldError] = []
    unknown = sorted(set(body) - set(FIELDS))
    for name in unknown:
        errors.append(FieldError(name, "この項目は指定できません。指定できる項目: " + "、".join(FIELDS)))
    required = () if partial else ("question", "answer", "categories")
    for name in required:
        if name not in body:
            errors.append(FieldError(name, "入力してください。"))
    values: dict = {}
    if "question" in body:
        values["question"] = _text(body["question"], "question", MAX_QUESTION, errors)
    if "answer" in body:
        values["answer"] = _text(body["answer"], "answer", MAX_ANSWER, errors)
    if "categories" in body:
        values["categories"] = _ids(body["categories"], "categories", errors)
        if values["categories"] == []:
            errors.append(FieldError("categories", "分類を1つ以上選んでください。"))
    if "keywords" in body:
        values["keywords"] = _keywords(body["keywords"], errors)
    if "related_faq_ids" in body:
        values["related_faq_ids"] = _ids(body["related_faq_ids"], "related_faq_ids", errors)
    if "related_urls" in body:
        values["related_urls"] = _urls(body["related_urls"], errors)
    if "published" in body:
        if not isinstance(body["published"], bool):
            errors.append(FieldError("published", "true か false で指定してください。"))
        values["published"] = body["published"] is True
    for name in ("publish_start", "publish_end"):
        if name in body:
            values[name] = _date(body[name], name, errors)
    if "audience" in body:
        if body["audience"] not in AUDIENCES:
            errors.append(FieldError("audience", "公開範囲は all（すべてのオペレーター）か supervisors（スーパーバイザーのみ）です。"))
        values["audience"] = body["audience"]
    if errors:
        raise ValidationFailed(errors)
    return values


def check_window(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValidationFailed([FieldError("publish_end", "公開終了日は公開開始日以降の日付にしてください。")])
