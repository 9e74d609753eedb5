"""Dates as the public reads them: 和暦 with the weekday, no leading zeros; today in Asia/Tokyo."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")
_ERAS = [(date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和")]
_WEEKDAYS = "月火水木金土日"


def today() -> date:
    return datetime.now(JST).date()


def wareki_day(value: date | None) -> str:
    if value is None:
        return ""
    for start, era in _ERAS:
        if value >= start:
            year = value.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{value.month}月{value.day}日（{_WEEKDAYS[value.weekday()]}）"
    return f"{value.year}年{value.month}月{value.day}日（{_WEEKDAYS[value.weekday()]}）"
