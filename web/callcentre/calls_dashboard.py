"""The supervisor's service-level dashboard: today so far (refreshed by htmx every 30 seconds), the days of the
month, each operator's figures and the seats each hour needs beside those staffed."""
from __future__ import annotations

from flask import Blueprint, render_template

from engine.db.types import utcnow
from processes.calendar.slots import JST
from processes.calls.access import DASHBOARD_USERS
from processes.calls.live import today
from processes.calls.staffing import staffing
from processes.calls.statistics import RESOLUTION_TARGET, SERVICE_LEVEL_TARGET, Period, by_operator
from web.extensions import platform
from web.guards import roles_required

bp = Blueprint("calls_dashboard", __name__, template_folder="templates")
REFRESH_SECONDS = 30
OPEN_HOURS = range(8, 18)
"""The hours shown in the charts (the centre answers 9:00–16:45)."""


def _verdict(value: float | None, target: float) -> dict:
    if value is None:
        return {"value": None, "met": None, "words": "まだ対象がありません", "css": "sla-none"}
    met = value >= target
    return {"value": value, "met": met, "words": "目標を達成しています" if met else "目標を下回っています",
            "css": "sla-met" if met else "sla-missed"}


def _context() -> dict:
    now = utcnow()
    with platform().database.transaction(write=False) as session:
        live = today(session, now)
        operators = by_operator(session, Period(live["date"], live["date"]))
        forecast = staffing(session, live["date"])
    figures = live["figures"]
    hours = [h for h in figures["by_hour"] if h["hour"] in OPEN_HOURS]
    hour_chart = {"kind": "hours", "labels": [f"{h['hour']}時台" for h in hours],
                  "offered": [h["offered"] for h in hours], "answered": [h["answered"] for h in hours],
                  "within": [h["answered_within_10s"] for h in hours],
                  "target": [round(h["offered"] * SERVICE_LEVEL_TARGET, 1) for h in hours]}
    days = live["month"]
    day_chart = {"kind": "days", "labels": [f"{int(d['date'][8:])}日" for d in days],
                 "level": [None if d["service_level"] is None else round(d["service_level"] * 100, 1) for d in days],
                 "target": [SERVICE_LEVEL_TARGET * 100] * len(days)}
    return {"live": live, "figures": figures, "hours": hours, "days": days, "operators": operators,
            "forecast": [h for h in forecast["hours"] if h["hour"] in OPEN_HOURS], "staffing": forecast,
            "service_level": _verdict(figures["service_level"], SERVICE_LEVEL_TARGET),
            "resolution": _verdict(figures["first_contact_resolution"], RESOLUTION_TARGET),
            "hour_chart": hour_chart, "day_chart": day_chart, "refresh_seconds": REFRESH_SECONDS,
            "updated_at": now.astimezone(JST), "service_target": SERVICE_LEVEL_TARGET,
            "resolution_target": RESOLUTION_TARGET}


@bp.get("/callcentre/service-levels")
@roles_required(*DASHBOARD_USERS)
def show():
    return render_template("calls/dashboard.html", **_context())


@bp.get("/callcentre/service-levels/live")
@roles_required(*DASHBOARD_USERS)
def live():
    return render_template("calls/_live.html", **_context())
