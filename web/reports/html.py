"""A report's figures as a standalone HTML document in Japanese (the file `okuyami reports ... --format html`
writes): codes shown by their Japanese names, dates in 和暦 with the weekday, ratios as percentages."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from processes.callcentre.vocabulary import CHANNELS, OUTCOMES, VOICE_KINDS
from processes.departments import department
from processes.wards import load_wards
from web.formatting import date_ja, wareki

TEMPLATES = Path(__file__).with_name("templates")
NO_DATA = "データなし"


def percent(value: float | None) -> str:
    return NO_DATA if value is None else f"{value * 100:.1f}%"


def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:g}分"


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:g}秒"


def day_ja(value: str) -> str:
    return date_ja(date.fromisoformat(value))


def month_ja(value: str) -> str:
    first = date.fromisoformat(f"{value}-01")
    return wareki(first).rsplit("月", 1)[0] + "月"


def ward_name(code: str) -> str:
    ward = load_wards().get(code)
    return ward.name if ward else code


def department_name(code: str) -> str:
    found = department(code) if code else None
    return found.name if found else (code or "未設定")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters.update(percent=percent, minutes=minutes, seconds=seconds, day_ja=day_ja, month_ja=month_ja,
                       ward_name=ward_name, department_name=department_name,
                       channel_name=lambda c: CHANNELS.get(c, c), outcome_name=lambda c: OUTCOMES.get(c, c),
                       voice_kind_name=lambda c: VOICE_KINDS.get(c, c))
    env.globals["NO_DATA"] = NO_DATA
    return env


def render_report(figures: dict) -> str:
    """The daily log or the monthly results (figures from processes/reports/figures.py) as HTML."""
    name = {"daily": "reports/daily.html", "monthly": "reports/monthly.html"}[figures["kind"]]
    return _environment().get_template(name).render(r=figures)
