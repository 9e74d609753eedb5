"""The worker drafts the reports (issue #18, 1 and 2): each business morning the previous business day's log, on the
first business day of a month also the previous month; `okuyami worker` and the demo server register the job;
a finalised report is left as it is."""
from __future__ import annotations

from datetime import date, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from processes.calendar import JST
from processes.reports.jobs import JOB_ID, add_report_jobs, draft_reports, due_drafts
from processes.reports.models import ReportVersion
from processes.reports.versions import finalise
from processes.tasks.access import Actor


def test_what_is_due_each_morning():
    assert due_drafts(date(2026, 12, 1)) == [("daily", "2026-11-30"), ("monthly", "2026-11")]   # Tue, 1st
    assert due_drafts(date(2026, 12, 2)) == [("daily", "2026-12-01")]
    assert due_drafts(date(2026, 11, 30)) == [("daily", "2026-11-27")]                         # Mon after Fri
    assert due_drafts(date(2026, 11, 28)) == []                                                # Saturday
    # New Year: 1 Jan is a holiday, 2-3 Jan closed, the 4th is a Monday: the first business day of January
    assert due_drafts(date(2027, 1, 4)) == [("daily", "2026-12-28"), ("monthly", "2026-12")]
    # November 2026 starts on a Sunday: its first business day is Monday the 2nd
    assert due_drafts(date(2026, 11, 2)) == [("daily", "2026-10-30"), ("monthly", "2026-10")]


def test_the_worker_and_the_demo_server_register_the_job():
    scheduler = BackgroundScheduler(timezone="Asia/Tokyo")
    add_report_jobs(scheduler, database=None)
    [job] = [j for j in scheduler.get_jobs() if j.id == JOB_ID]
    assert str(job.trigger.fields[5]) == "7" and str(job.trigger.fields[6]) == "0"     # hour, minute
    assert str(job.trigger.timezone) == "Asia/Tokyo" and job.func is draft_reports
    import inspect

    import web.cli.server as server
    source = inspect.getsource(server)
    assert source.count("add_report_jobs(scheduler") == 2                                # worker and demo server


def test_drafts_are_made_refreshed_and_a_final_one_left_alone(report_city):
    database, runtime = report_city.database, report_city.platform.runtime
    morning = datetime(2026, 12, 1, 7, 0, tzinfo=JST)
    assert draft_reports(database, runtime, morning) == [("daily", "2026-11-30"), ("monthly", "2026-11")]
    with database.transaction() as session:
        finalise(session, Actor("sv", "supervisor", None, None), "daily", "2026-11-30",
                 {"kind": "daily", "period": "2026-11-30", "note": "frozen"})
    draft_reports(database, runtime, morning)                                           # the next pass
    with database.transaction(write=False) as session:
        rows = session.scalars(select(ReportVersion).where(ReportVersion.period.in_(("2026-11-30", "2026-11")))
                               .order_by(ReportVersion.kind)).all()
        assert [(r.kind, r.version, r.state, r.created_by) for r in rows] == [
            ("daily", 1, "final", "worker"), ("monthly", 1, "draft", "worker")]
        assert rows[0].figures == {"kind": "daily", "period": "2026-11-30", "note": "frozen"}
        assert rows[1].figures["offered"] == 0 and rows[1].figures["contacts"]["total"] >= 100
