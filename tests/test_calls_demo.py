"""The demo city's phone system: 8 weeks of queue_log with morning peaks, busier Mondays and a few days below the
service-level target, imported once; the last business days' recordings indexed with their audio files."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from processes.calendar import today_jst
from processes.calls.models import CallRecording
from processes.calls.statistics import Period, by_day, statistics
from processes.demo.calls import seed_demo_calls


def test_eight_weeks_true_to_life_imported_once(platform):
    report = seed_demo_calls(platform)
    today = today_jst()
    with platform.database.transaction(write=False) as session:
        days = by_day(session, Period(today - timedelta(weeks=8), today - timedelta(days=1)))
        hours = statistics(session, Period(today - timedelta(weeks=8), today - timedelta(days=1)))["by_hour"]
        recordings = list(session.scalars(select(CallRecording)))

    assert report[0].startswith("calls ") and seed_demo_calls(platform) == []
    assert len(days) >= 35
    below = [d for d in days if d["service_level"] < 0.85]
    assert 3 <= len(below) < len(days) / 2
    assert hours[9]["offered"] > hours[12]["offered"] and hours[8]["offered"] == 0 and hours[17]["offered"] == 0
    mondays = [d["offered"] for d in days if _weekday(d["date"]) == 0]
    others = [d["offered"] for d in days if _weekday(d["date"]) in (1, 2, 3)]
    assert sum(mondays) / len(mondays) > sum(others) / len(others)
    assert recordings and all(Path(r.file_path).is_file() and r.duration_s > 0 for r in recordings)


def _weekday(iso: str) -> int:
    return date.fromisoformat(iso).weekday()
