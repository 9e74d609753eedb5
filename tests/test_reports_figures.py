"""The daily log and the monthly results (issue #18, 1, 2 and 6): every figure equals its source's figure for the
same days, recomputed here from the source's own tables and functions, and no family's name is in a report.

The data is the demo city's (weeks of contact records, a dozen cases with their visits) and a day of phone calls
from a queue_log (tests/fixtures/calls/queue_log_day.txt, 1 Dec 2026)."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone
from statistics import median

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from processes.callcentre.models import CitizenVoice, ContactCallback, ContactRecord
from processes.calls.statistics import Period, statistics
from processes.faq.models import FaqSearchLog
from processes.okuyami.visit_models import CaseVisit
from processes.reports.figures import daily_log, month_period, monthly_results
from processes.reports.sections import faq_figures
from tests.reports_support import CORNER_MINUTES, family_names
from web.cli import main
from web.reports.html import render_report

NOVEMBER, DECEMBER = month_period(2026, 11), month_period(2026, 12)


def _contact_counts(session, period: Period, column) -> dict:
    rows = session.execute(select(column, func.count()).where(
        ContactRecord.started_at >= period.start, ContactRecord.started_at < period.end,
        ContactRecord.deleted_at.is_(None)).group_by(column)).all()
    return {key or "": n for key, n in rows}


def _expected_visits(session, period: Period) -> dict[str, dict]:
    expected: dict[str, dict] = {}
    for v in session.scalars(select(CaseVisit)):
        if v.visit_on is None or not period.first <= v.visit_on <= period.last:
            continue
        ward = expected.setdefault(v.ward, {"bookings": 0, "cancelled": 0, "walk_ins": 0, "visits": 0, "_m": []})
        ward["bookings"] += v.channel == "booking" and v.cancelled_at is None
        ward["cancelled"] += v.channel == "booking" and v.cancelled_at is not None
        ward["walk_ins"] += v.channel == "walk_in"
        ward["visits"] += v.checked_in_at is not None
        if v.checked_in_at and v.checked_out_at:
            ward["_m"].append((v.checked_out_at - v.checked_in_at).total_seconds() / 60)
    for ward in expected.values():
        minutes = ward.pop("_m")
        ward["corner_minutes_median"] = median(minutes) if minutes else None
        ward["corner_minutes_longest"] = max(minutes) if minutes else None
        ward["corner_minutes_bands"] = {"under_30": sum(m < 30 for m in minutes),
                                        "30_60": sum(30 <= m < 60 for m in minutes),
                                        "60_90": sum(60 <= m < 90 for m in minutes),
                                        "over_90": sum(m >= 90 for m in minutes)}
    return expected


def _check_against_sources(session, figures: dict, period: Period) -> None:
    calls = statistics(session, period)
    for key in ("offered", "answered", "service_level", "first_contact_resolution"):
        assert figures[key] == calls[key], key
    contacts = figures["contacts"]
    assert contacts["by_channel"] == _contact_counts(session, period, ContactRecord.channel)
    assert contacts["by_outcome"] == _contact_counts(session, period, ContactRecord.outcome)
    assert contacts["by_category"] == _contact_counts(session, period, ContactRecord.category)
    assert contacts["total"] == sum(contacts["by_channel"].values())
    voices = session.scalars(select(CitizenVoice.kind).join(ContactRecord, ContactRecord.id == CitizenVoice.contact_id)
                             .where(ContactRecord.started_at >= period.start, ContactRecord.started_at < period.end,
                                    ContactRecord.deleted_at.is_(None))).all()
    assert contacts["citizen_voice_by_kind"] == dict(Counter(voices))
    assert contacts["open_callbacks"] == len(session.scalars(select(ContactCallback.id).join(
        ContactRecord, ContactRecord.id == ContactCallback.contact_id).where(
        ContactRecord.started_at < period.end)).all())
    assert figures["visits"] == _expected_visits(session, period)
    assert figures["bookings"] == sum(w["bookings"] for w in figures["visits"].values())


def test_the_monthly_figures_are_their_sources_figures(report_city):
    with report_city.database.transaction(write=False) as session:
        november, december = monthly_results(session, NOVEMBER), monthly_results(session, DECEMBER)
        _check_against_sources(session, november, NOVEMBER)
        _check_against_sources(session, december, DECEMBER)
    assert november["contacts"]["total"] >= 100 and november["visit_totals"]["visits"] >= 1
    assert {w["corner_minutes_longest"] for w in november["visits"].values()} >= {CORNER_MINUTES}
    assert december["offered"] == 7 and december["service_level"] == pytest.approx(3 / 7)
    assert [m["month"] for m in december["trend"]][-2:] == ["2026-11", "2026-12"] and len(december["trend"]) == 12
    assert december["trend"][-1]["offered"] == 7 and december["trend"][-2]["contacts"] == november["contacts"]["total"]
    # the survey answers of the month (tests/reports_support.py SURVEY): 5, 3, 4 for the corner; 4, 5 for the centre
    assert november["survey"]["answers"] == 3 and november["survey_corner_satisfaction"] == 4.0
    assert november["survey_centre_satisfaction"] == 4.5 and december["survey"]["answers"] == 1


def test_the_daily_figures_are_their_sources_figures(report_city):
    with report_city.database.transaction(write=False) as session:
        visit_days = {v for v in session.scalars(select(CaseVisit.visit_on)) if v}
        for day in sorted(visit_days) + [date(2026, 12, 1), date(2026, 12, 2)]:
            _check_against_sources(session, daily_log(session, day), Period(day, day))
        assert daily_log(session, date(2026, 12, 1))["offered"] == 7      # the call at 23:59:55 counts on its day
        assert daily_log(session, date(2026, 12, 2))["offered"] == 0


def test_no_family_name_appears_in_a_report(report_city):
    with report_city.database.transaction(write=False) as session:
        pages = [render_report(monthly_results(session, NOVEMBER)),
                 render_report(daily_log(session, date(2026, 11, 24)))]
    names = family_names()
    assert len(names) >= 20
    for page in pages:
        assert not [name for name in names if name in page]
        assert "令和8年11月" in page and "2026-11" not in page


def test_the_api_answers_the_month_to_the_readers_only(report_city):
    answer = report_city.api.get("/reports/monthly/2026-12", "sv")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["offered"], body["answered"], body["service_level"]) == (7, 4, pytest.approx(3 / 7))
    for key in ("service_level", "first_contact_resolution", "offered", "answered", "bookings", "visits",
                "survey_corner_satisfaction"):
        assert key in body
    for reader in ("admin", "auditor", "po"):
        assert report_city.api.get("/reports/monthly/2026-11", reader).status_code == 200
    for other in ("op", "counter_naka", "kumin_naka"):
        assert report_city.api.get("/reports/monthly/2026-11", other).status_code == 403
    wrong = report_city.api.get("/reports/monthly/2026-13", "sv")
    assert wrong.status_code in (400, 422)
    assert "YYYY-MM" in wrong.get_json()["errors"][0]["message"]


def test_the_commands_write_the_daily_log_and_the_monthly_results(report_city, tmp_path):
    runner = CliRunner()
    daily_file, monthly_file = tmp_path / "daily.html", tmp_path / "monthly.html"
    daily = runner.invoke(main, ["--instance", str(report_city.instance), "reports", "daily", "--date", "2026-12-01",
                                 "--format", "html", "--out", str(daily_file)])
    assert daily.exit_code == 0, daily.output
    assert "業務日誌　令和8年12月1日（火）" in daily_file.read_text(encoding="utf-8")
    monthly = runner.invoke(main, ["--instance", str(report_city.instance), "reports", "monthly", "--month", "2026-11",
                                   "--format", "html", "--out", str(monthly_file)])
    assert monthly.exit_code == 0, monthly.output
    text = monthly_file.read_text(encoding="utf-8")
    assert "月次業務実績　令和8年11月" in text and "受電応答率" in text and "データなし" in text
    wrong = runner.invoke(main, ["--instance", str(report_city.instance), "reports", "monthly", "--month", "11/2026",
                                 "--out", str(monthly_file)])
    assert wrong.exit_code == 2 and "YYYY-MM" in wrong.output


def test_the_further_sections_are_their_sources_figures(report_city):
    from processes.calls.staffing import staffing
    from processes.faq.models import FaqItem, FaqItemUse, FaqSearchLog

    runtime = report_city.platform.runtime
    with report_city.database.transaction(write=False) as session:
        november = monthly_results(session, NOVEMBER, runtime)
        december = monthly_results(session, DECEMBER, runtime)
        # staffing: the one day with calls (1 Dec), hour by hour as the staffing forecast says
        day = {h["hour"]: h for h in staffing(session, date(2026, 12, 1))["hours"]}
        assert december["staffing"]["days"] == 1 and november["staffing"] == {"days": 0, "hours": [], "short_hours": 0}
        for hour in december["staffing"]["hours"]:
            source = day[hour["hour"]]
            assert (hour["forecast_calls"], hour["required_seats"], hour["staffed_seats"]) == (
                source["forecast_calls"], source["required_seats"], source["staffed_seats"])
        # FAQ: uses and zero-hit searches of the month
        uses = Counter(session.scalars(select(FaqItem.number).join(FaqItemUse, FaqItemUse.item_id == FaqItem.id).where(
            FaqItemUse.at >= NOVEMBER.start, FaqItemUse.at < NOVEMBER.end)))
        top = sorted(uses.items(), key=lambda item: (-item[1], item[0]))[:10]      # ties: the lower FAQ number
        assert [(x["number"], x["uses"]) for x in november["faq"]["top_items"]] == top
        zero_rows = session.execute(select(FaqSearchLog.normalised, FaqSearchLog.session_id).where(
            FaqSearchLog.at >= NOVEMBER.start, FaqSearchLog.at < NOVEMBER.end, FaqSearchLog.hits == 0)).all()
        sessions = {term: {s for t, s in zero_rows if t == term} for term, _ in zero_rows}
        zero = Counter(term for term, _ in zero_rows if len(sessions[term]) >= 2)   # one session's term stays out
        assert sum(x["searches"] for x in november["faq"]["zero_hit_queries"]) == sum(
            n for _, n in zero.most_common(10))
        # procedures: every outcome recorded at the visits that ended in the month
        outcomes = Counter()
        for visit in session.scalars(select(CaseVisit).where(CaseVisit.checked_out_at >= NOVEMBER.start,
                                                             CaseVisit.checked_out_at < NOVEMBER.end)):
            outcomes.update(o["outcome"] for o in runtime.instance_data(visit.instance_id).get("outcomes") or [])
        procedures = november["procedures"]
        assert procedures["by_outcome"] == dict(outcomes)
        assert procedures["handled"] == sum(outcomes.values()) - outcomes.get("not_needed", 0)
        assert sum(p["total"] for p in procedures["top"]) <= sum(outcomes.values())
        assert procedures["visits"] >= 1 and procedures["handled"] >= 1 and procedures["top"]
        searches = len(session.scalars(select(FaqSearchLog.id).where(
            FaqSearchLog.at >= NOVEMBER.start, FaqSearchLog.at < NOVEMBER.end)).all())
    faq = november["faq"]
    assert faq["searches"] == searches >= 6 and faq["top_items"]
    counts = [x["searches"] for x in faq["zero_hit_queries"]]
    assert counts == sorted(counts, reverse=True) and "お墓の引っ越し" in {x["query"] for x in faq["zero_hit_queries"]}
    assert december["offered"] == 7 and december["staffing"]["hours"][0]["hour"] == 9


def test_a_search_term_one_operator_typed_stays_out_of_the_report_and_numbers_are_masked(report_city):
    """An operator may search for a family's name or phone number: a term that found nothing reaches the report
    only when searched in two sessions or more, and a phone number in it is masked."""
    august = Period(date(2026, 8, 1), date(2026, 8, 31))
    at = datetime(2026, 8, 10, 1, 0, tzinfo=timezone.utc)
    rows = [("sess-a", "川崎 太郎 様")] * 3 + [("sess-b", "044-200-1234 の件"), ("sess-c", "044-200-1234 の件"),
                                              ("sess-d", "遺族年金 窓口"), ("sess-e", "遺族年金 窓口")]
    with report_city.database.transaction() as session:
        for session_id, query in rows:
            session.add(FaqSearchLog(session_id=session_id, query=query, normalised=query, hits=0, at=at))
    with report_city.database.transaction(write=False) as session:
        shown = {x["query"]: x["searches"] for x in faq_figures(session, august)["zero_hit_queries"]}
    assert shown == {"（電話番号） の件": 2, "遺族年金 窓口": 2}
    assert not any("太郎" in query or "1234" in query for query in shown)
