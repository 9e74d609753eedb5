"""The FAQ number as people read and type it (FAQ-000123); kept apart so the search log can parse it
without importing the item module, which imports the search."""
from __future__ import annotations


def faq_id(number: int) -> str:
    return f"FAQ-{number:06d}"


def parse_faq_id(value: str) -> int | None:
    text = (value or "").strip().upper()
    digits = text.removeprefix("FAQ-")
    return int(digits) if digits.isdigit() and len(digits) <= 9 else None
