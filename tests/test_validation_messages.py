"""Form errors say the limit and how far the input is from it, in Japanese, for every form's schema."""
from __future__ import annotations

from pathlib import Path

from processes.tasks.validation import load_form, schema_errors

FORMS = Path(__file__).resolve().parents[1] / "forms"


def messages(schema: dict, data: dict) -> dict[str, str]:
    return {e.field: e.message for e in schema_errors(schema, data)}


def test_too_long_text_says_the_limit_and_the_current_length():
    schema = {"type": "object", "properties": {"note": {"type": "string", "maxLength": 50},
                                               "code": {"type": "string", "minLength": 4}}}
    found = messages(schema, {"note": "あ" * 302, "code": "ab"})
    assert found == {"note": "50文字以内で入力してください（現在302文字）。",
                     "code": "4文字以上で入力してください（現在2文字）。"}


def test_the_booking_form_s_account_number_says_it_is_seven_digits():
    schema = load_form(FORMS, "booking.json")
    account = {"bank": "川崎信用金庫", "account_type": "普通", "account_number": "123-4567"}
    found = messages(schema, {"refund_account": account, "relationship": "長" * 31})
    assert found["refund_account.account_number"].startswith("口座番号は7桁の数字です")
    assert found["relationship"] == "30文字以内で入力してください（現在31文字）。"


def test_numbers_and_lists_say_their_bounds():
    schema = {"type": "object", "properties": {
        "count": {"type": "integer", "minimum": 1, "maximum": 20},
        "items": {"type": "array", "minItems": 1, "maxItems": 2},
        "message": {"type": "string", "pattern": "^x$", "errorMessage": "x と入力してください。"}}}
    assert messages(schema, {"count": 0, "items": [1, 2, 3], "message": "y"}) == {
        "count": "1以上の値を入力してください。", "items": "2件以内にしてください（現在3件）。",
        "message": "x と入力してください。"}
    assert messages(schema, {"count": 21, "items": []})["count"] == "20以下の値を入力してください。"
    assert messages(schema, {"items": []})["items"] == "1件以上選んでください（現在0件）。"
