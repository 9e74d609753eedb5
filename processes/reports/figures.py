"""The daily log (業務日誌) and the monthly results (月次業務実績) as plain figures, assembled from the sources.

Every figure comes from one function of processes/reports/sources.py over the report's period, so the report says
exactly what the source says for the same days. The judgement parts (remarks, 課題, 業務改善策) are written by a
supervisor and are not computed here.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

from sqlalchemy.orm import Session

from processes.calls.statistics import RESOLUTION_TARGET, SERVICE_LEVEL_TARGET, Period, by_day
from processes.reports.sections import (
    faq_figures,
    incident_figures,
    procedure_figures,
    staffing_figures,
    survey_figures,
)
from processes.reports.sources import (
    call_figures,
    contact_figures,
    online_request_figures,
    task_figures,
    visit_figures,
)
from processes.reports.survey_comments import picked_comments
from processes.tasks.validation import FieldError, ValidationFailed

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^(\d{4})$")
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
TREND_MONTHS = 12


def parse_month(value: str) -> Period:
    """'YYYY-MM' as the period of that month; anything else is refused with what is allowed."""
    match = MONTH.match(value or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationFailed([FieldError("month", "月は YYYY-MM の形で指定してください（例: 2026-12）。")],
                               user_message="月の指定に誤りがあります。")
    year, month = int(match.group(1)), int(match.group(2))
    return month_period(year, month)


def parse_day(value: str) -> date:
    """'YYYY-MM-DD' as a date; anything else is refused with what is allowed."""
    try:
        if DAY.match(value or ""):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValidationFailed([FieldError("date", "日付は YYYY-MM-DD の形で指定してください（例: 2026-12-01）。")],
                           user_message="日付の指定に誤りがあります。")


def parse_fiscal_year(value: str) -> int:
    """'YYYY' as the fiscal year starting in April of YYYY; anything else is refused with what is allowed."""
    match = YEAR.match(str(value or ""))
    if not match or int(match.group(1)) < 2000:
        raise ValidationFailed([FieldError("fiscal_year", "年度は西暦4桁で指定してください（例: 2026 は令和8年度）。")],
                               user_message="年度の指定に誤りがあります。")
    return int(match.group(1))


def fiscal_year_period(year: int) -> Period:
    """The fiscal year YYYY: 1 April YYYY to 31 March YYYY+1."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31))


def month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _totals(visits: dict[str, dict]) -> dict:
    keys = ("bookings", "cancelled", "walk_ins", "visits")
    return {key: sum(ward[key] for ward in visits.values()) for key in keys}


def _survey(survey: dict | None, key: str):
    return None if survey is None else survey.get(key)


def daily_log(session: Session, day: date) -> dict:
    """The figures of one business day (業務日誌)."""
    period = Period(day, day)
    calls = call_figures(session, period)
    visits = visit_figures(session, period)
    return {
        "kind": "daily", "date": day.isoformat(), "period": day.isoformat(),
        "tasks": task_figures(session, period), "online_requests": online_request_figures(session, period),
        "incidents": incident_figures(session, period),
        "offered": calls["offered"], "answered": calls["answered"],
        "service_level": calls["service_level"], "first_contact_resolution": calls["first_contact_resolution"],
        "calls": calls, "contacts": contact_figures(session, period),
        "visits": visits, "visit_totals": _totals(visits),
        "bookings": _totals(visits)["bookings"],
    }


def _previous_months(period: Period, count: int) -> list[Period]:
    year, month, result = period.first.year, period.first.month, []
    for _ in range(count):
        result.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(result))


def _trend(session: Session, period: Period) -> list[dict]:
    trend = []
    for month in _previous_months(period, TREND_MONTHS):
        calls = call_figures(session, month)
        trend.append({"month": month.first.strftime("%Y-%m"), "offered": calls["offered"],
                      "answered": calls["answered"], "service_level": calls["service_level"],
                      "contacts": contact_figures(session, month)["total"],
                      "visits": _totals(visit_figures(session, month))["visits"]})
    return trend


def monthly_results(session: Session, period: Period, runtime=None) -> dict:
    """The figures of one month (月次業務実績): the SLA figures against their targets by day and hour band,
    volumes with their 12-month trend, bookings and visits per ward with corner times, contacts, citizen voice."""
    calls = call_figures(session, period)
    visits = visit_figures(session, period)
    survey = survey_figures(session, period)
    return {
        "kind": "monthly", "month": period.first.strftime("%Y-%m"), "period": period.first.strftime("%Y-%m"),
        "from": period.first.isoformat(), "to": period.last.isoformat(),
        "offered": calls["offered"], "answered": calls["answered"],
        "service_level": calls["service_level"], "service_level_target": SERVICE_LEVEL_TARGET,
        "first_contact_resolution": calls["first_contact_resolution"],
        "first_contact_resolution_target": RESOLUTION_TARGET,
        "calls": calls,
        "calls_by_day": [{k: d[k] for k in ("date", "offered", "answered", "service_level")}
                         for d in by_day(session, period) if d["offered"]],
        "contacts": contact_figures(session, period),
        "visits": visits, "visit_totals": _totals(visits), "bookings": _totals(visits)["bookings"],
        "survey": survey, "survey_comments": picked_comments(session, period),
        "survey_corner_satisfaction": _survey(survey, "corner_satisfaction"),
        "survey_centre_satisfaction": _survey(survey, "centre_satisfaction"),
        "trend": _trend(session, period),
        "staffing": staffing_figures(session, period),
        "faq": faq_figures(session, period),
        "procedures": procedure_figures(session, runtime, period),
        "incidents": incident_figures(session, period),
        "online_requests": online_request_figures(session, period),
        "tasks": task_figures(session, period),
    }


def _month_row(session: Session, month: Period) -> dict:
    calls = call_figures(session, month)
    contacts = contact_figures(session, month)
    totals = _totals(visit_figures(session, month))
    survey = survey_figures(session, month)
    return {"month": month.first.strftime("%Y-%m"), "offered": calls["offered"], "answered": calls["answered"],
            "service_level": calls["service_level"], "first_contact_resolution": calls["first_contact_resolution"],
            "contacts": contacts["total"], "citizen_voice": contacts["citizen_voice"], **totals,
            "incidents": incident_figures(session, month)["total"],
            "survey_corner_satisfaction": _survey(survey, "corner_satisfaction")}


def annual_results(session: Session, year: int) -> dict:
    """The fiscal year's results (年次業務実績・履行状況), April to March, month by month, with the year's totals
    and the SLA figures of the whole year against their targets."""
    period = fiscal_year_period(year)
    months = [month_period(year + (m < 4), m) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    rows = [_month_row(session, month) for month in months]
    calls = call_figures(session, period)
    counts = ("offered", "answered", "contacts", "citizen_voice", "bookings", "cancelled", "walk_ins", "visits",
              "incidents")
    return {
        "kind": "annual", "fiscal_year": year, "period": str(year),
        "from": period.first.isoformat(), "to": period.last.isoformat(),
        "offered": calls["offered"], "answered": calls["answered"],
        "service_level": calls["service_level"], "service_level_target": SERVICE_LEVEL_TARGET,
        "first_contact_resolution": calls["first_contact_resolution"],
        "first_contact_resolution_target": RESOLUTION_TARGET,
        "months": rows, "totals": {key: sum(row[key] for row in rows) for key in counts},
        "months_meeting_service_level": sum(1 for r in rows if r["service_level"] is not None
                                            and r["service_level"] >= SERVICE_LEVEL_TARGET),
        "months_meeting_resolution": sum(1 for r in rows if r["first_contact_resolution"] is not None
                                         and r["first_contact_resolution"] >= RESOLUTION_TARGET),
    }


KINDS = ("daily", "monthly", "annual")


def figures_for(session: Session, kind: str, period: str, runtime=None) -> dict:
    """The figures of the report `kind` for `period` (YYYY-MM-DD, YYYY-MM or YYYY): refused with what is allowed."""
    if kind == "daily":
        return daily_log(session, parse_day(period))
    if kind == "monthly":
        return monthly_results(session, parse_month(period), runtime)
    if kind == "annual":
        return annual_results(session, parse_fiscal_year(period))
    raise ValidationFailed([FieldError("kind", "報告書の種類は 業務日誌・月次・年次 のいずれかです。")],
                           user_message="報告書の種類に誤りがあります。")
