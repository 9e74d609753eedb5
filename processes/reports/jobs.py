"""The worker drafts the reports (`okuyami worker`, the demo server): every morning at 07:00 in Tokyo, on a business
day, the daily log of the previous business day; on the first business day of a month, also the previous month's
results. A draft is refreshed with the latest figures while it is open; a finalised report is never touched (a
correction is a supervisor's decision)."""
from __future__ import annotations

import logging
from datetime import date, datetime

from engine.db.session import Database
from engine.db.types import utcnow
from processes.calendar import JST, BusinessCalendar
from processes.reports.builds import add_build_job
from processes.reports.figures import daily_log, month_period, monthly_results
from processes.reports.versions import prepare_draft

log = logging.getLogger(__name__)
ACTOR = "worker"
JOB_ID = "reports-drafts"


def due_drafts(today: date, calendar: BusinessCalendar | None = None) -> list[tuple[str, str]]:
    """(kind, period) of the reports to draft on `today`: none on a closed day."""
    calendar = calendar or BusinessCalendar.default()
    if not calendar.is_business_day(today):
        return []
    due = [("daily", calendar.previous_business_day(today).isoformat())]
    first_of_month = today.replace(day=1)
    if today == (first_of_month if calendar.is_business_day(first_of_month)
                 else calendar.next_business_day(first_of_month)):
        previous = (first_of_month.replace(year=today.year - 1, month=12) if today.month == 1
                    else first_of_month.replace(month=today.month - 1))
        due.append(("monthly", previous.strftime("%Y-%m")))
    return due


def draft_reports(database: Database, runtime=None, now: datetime | None = None) -> list[tuple[str, str]]:
    """Draft what is due today (one transaction per report); returns what was drafted."""
    today = (now or utcnow()).astimezone(JST).date()
    done = []
    for kind, period in due_drafts(today):
        with database.transaction() as session:
            if kind == "daily":
                figures = daily_log(session, date.fromisoformat(period))
            else:
                year, month = map(int, period.split("-"))
                figures = monthly_results(session, month_period(year, month), runtime)
            prepare_draft(session, kind, period, figures, ACTOR)
        log.info("reports: %s %s drafted", kind, period)
        done.append((kind, period))
    return done


def add_report_jobs(scheduler, database: Database, runtime=None) -> None:
    """Register the morning drafts on an APScheduler scheduler (07:00 Asia/Tokyo, caught up after downtime) and the
    report files asked for on the report pages (processes/reports/builds.py, every few seconds)."""
    add_build_job(scheduler, database, runtime)
    scheduler.add_job(draft_reports, "cron", hour=7, minute=0, timezone="Asia/Tokyo", args=[database, runtime],
                      id=JOB_ID, max_instances=1, coalesce=True, misfire_grace_time=None, replace_existing=True)
