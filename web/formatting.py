"""Template filters: times in Asia/Tokyo, dates in 和暦 where people expect them."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from web import people

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


def jst(value: datetime | None, fmt: str | None = None) -> str:
    """A moment in Asia/Tokyo: the staff screens' date style (datetime_ja) unless a format is given."""
    if value is None:
        return ""
    return datetime_ja(value) if fmt is None else value.astimezone(JST).strftime(fmt)


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


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def shown(value) -> str:
    """A value from case or form data as people read it: an ISO date or moment in the staff screens' date style
    (a moment without an offset is taken as Tokyo time), anything else as it is."""
    if isinstance(value, datetime):
        return datetime_ja(value)
    if isinstance(value, date):
        return date_ja(value)
    text = "" if value is None else str(value)
    if not _ISO_MOMENT.match(text.strip()):
        return text
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return text
    if len(text.strip()) == 10:
        return date_ja(moment.date())
    return datetime_ja(moment if moment.tzinfo else moment.replace(tzinfo=JST))


def paren(value) -> str:
    """「（value）」, or nothing when the value is empty (never an empty 「（）」 on a screen)."""
    text = "" if value is None else str(value).strip()
    return f"（{text}）" if text else ""


def init_app(app: Flask) -> None:
    app.add_template_filter(wareki)
    app.add_template_filter(jst)
    app.add_template_filter(date_ja)
    app.add_template_filter(datetime_ja)
    app.add_template_filter(paren)
    app.add_template_filter(shown)
    people.init_app(app)
