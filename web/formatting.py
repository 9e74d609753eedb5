"""Template filters: times in Asia/Tokyo, dates in 和暦 where people expect them."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

JST = ZoneInfo("Asia/Tokyo")
_ERAS = [(date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"),
         (date(1912, 7, 30), "大正"), (date(1868, 1, 25), "明治")]


def wareki(value: date | datetime | None) -> str:
    if value is None:
        return ""
    day = value.astimezone(JST).date() if isinstance(value, datetime) else value
    for start, era in _ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def jst(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if value is None else value.astimezone(JST).strftime(fmt)


WEEKDAYS = "月火水木金土日"


def date_ja(value: date | datetime | None) -> str:
    """The staff screens' one date style: 令和8年12月3日（木）."""
    if value is None:
        return ""
    day = value.astimezone(JST).date() if isinstance(value, datetime) else value
    return f"{wareki(day)}（{WEEKDAYS[day.weekday()]}）"


def datetime_ja(value: datetime | None) -> str:
    """令和8年12月3日（木） 9:05, in Asia/Tokyo."""
    if value is None:
        return ""
    moment = value.astimezone(JST)
    return f"{date_ja(moment)} {moment.hour}:{moment.minute:02d}"


def init_app(app: Flask) -> None:
    app.add_template_filter(wareki)
    app.add_template_filter(jst)
    app.add_template_filter(date_ja)
    app.add_template_filter(datetime_ja)
