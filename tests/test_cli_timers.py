"""`okuyami timers list` and `okuyami timers run-due [--now]`, and `okuyami worker --once`, as an operator uses them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner

from tests.support import fixture_sources
from web.cli import main

T0 = datetime(2025, 4, 1, 0, 30, tzinfo=timezone.utc)   # 09:30 JST


@pytest.fixture
def okuyami(instance_dir):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, ["--instance", str(instance_dir), *args], catch_exceptions=False)
    return run


@pytest.fixture
def reminders(runtime, database, registry):
    """Two reminder cases: one started at T0 (due 10:30 JST), one three hours later (due 13:30 JST)."""
    with database.transaction() as session:
        registry.deploy(session, fixture_sources("reminder.bpmn"), actor="test-setup")
    cases = []
    for start in (T0, T0 + timedelta(hours=3)):
        with time_machine.travel(start, tick=False):
            cases.append(runtime.start("reminder", "op1", ward="saiwai"))
    return cases


def test_timers_list_shows_due_time_in_jst_case_timer_and_state(okuyami, reminders):
    first, second = reminders
    listing = okuyami("timers", "list")
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()[1:]
    assert [line.split()[:5] for line in lines] == [
        ["令和7年4月1日（火）", "10:30", f"#{first.id}", "reminder", "待機中"],
        ["令和7年4月1日（火）", "13:30", f"#{second.id}", "reminder", "待機中"]]
    assert all("1時間経過" in line for line in lines)
    newest = okuyami("timers", "list", "--newest-first").output.splitlines()[1:]
    assert [line.split()[2] for line in newest] == [f"#{second.id}", f"#{first.id}"]
    assert "該当するタイマーはありません" in okuyami("timers", "list", "--state", "FIRED").output


def test_run_due_with_now_fires_what_was_due_then_once(okuyami, reminders):
    first, second = reminders
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        replay = okuyami("timers", "run-due", "--now", "2025-04-01T11:00:00+09:00")
        assert replay.exit_code == 0 and "1件のタイマーを発火しました" in replay.output
        again = okuyami("timers", "run-due", "--now", "2025-04-01T11:00")  # no offset: JST
        assert "0件のタイマーを発火しました" in again.output
        fired = okuyami("timers", "list", "--state", "fired").output.splitlines()[1:]
        assert [line.split()[:7] for line in fired] == [
            ["令和7年4月1日（火）", "10:30", f"#{first.id}", "reminder", "発火済み", "令和7年4月1日（火）", "11:00"]]
        rest = okuyami("timers", "run-due")
        assert "1件のタイマーを発火しました" in rest.output
    waiting = okuyami("timers", "list", "--state", "WAITING")
    assert "該当するタイマーはありません" in waiting.output


def test_run_due_refuses_a_now_later_than_the_clock_and_fires_nothing(okuyami, reminders):
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        refused = okuyami("timers", "run-due", "--now", "2025-04-02T09:00:00+09:00")
    assert refused.exit_code == 1 and "現在より後" in refused.output
    assert "発火済み" not in okuyami("timers", "list").output
    assert okuyami("timers", "run-due", "--now", "not a date").exit_code == 2


def test_worker_once_fires_the_due_timers(okuyami, reminders):
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        result = okuyami("worker", "--once")
    assert result.exit_code == 0 and "1件のタイマーを発火しました" in result.output
