"""How Japanese forms write dates and readings: 和暦 (令和8年11月20日, 元年 for the first year) and kana."""
from __future__ import annotations

import unicodedata
from datetime import date

ERAS = (  # (first day, name), newest first
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
    (date(1868, 10, 23), "明治"),
)


def era_of(day: date) -> tuple[str, int]:
    """(era name, year of the era) of a day: 2026-11-20 → ("令和", 8)."""
    for first_day, name in ERAS:
        if day >= first_day:
            return name, day.year - first_day.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era")


def wareki(day: date | str | None) -> str:
    """令和8年11月20日; 令和元年5月1日; "" for no date (an empty box on the form)."""
    if not day:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    era, year = era_of(day)
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


def age_on(birth: date | str | None, day: date | str | None) -> str:
    """Age in full years on `day` ("" when either date is unknown)."""
    if not birth or not day:
        return ""
    birth = date.fromisoformat(birth[:10]) if isinstance(birth, str) else birth
    day = date.fromisoformat(day[:10]) if isinstance(day, str) else day
    return str(day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day)))


def katakana(text: str | None) -> str:
    """Full-width katakana (half-width kana and hiragana converted), as フリガナ boxes expect."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def hiragana(text: str | None) -> str:
    """ふりがな written in hiragana, for forms that ask for it that way."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
