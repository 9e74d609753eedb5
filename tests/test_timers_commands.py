"""`okuyami worker` fires the due timers with the notifications wired in (people told, e-mail sent after the
commit), `okuyami serve` starts the same scheduler inside the server for the demo (and not in production, where
`okuyami worker` runs it), and `okuyami notifications email` sets where a person's e-mail goes."""
from __future__ import annotations

from datetime import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.scheduler import JOB_ID
from processes.notifications.models import Notification
from tests.case_support import JST, book
from web.cli import main


@pytest.fixture
def okuyami(mail_platform):
    runner = CliRunner()
    folder = mail_platform.settings.instance_path

    def run(*args):
        return runner.invoke(main, ["--instance", str(folder), *args], catch_exceptions=False)
    return run


def test_the_worker_fires_due_timers_tells_people_and_sends_their_e_mail(okuyami, mail_platform, smtp_server,
                                                                          clock):
    assert okuyami("notifications", "email", "sv", "sv@city.example.jp").exit_code == 0
    assert "いません" in okuyami("notifications", "email", "nobody", "x@example.jp").output
    case = book(mail_platform.runtime)
    clock.move_to(datetime(2026, 12, 1, 9, 1, tzinfo=JST))   # the reminder's day: the corner is asked to post it
    result = okuyami("worker", "--once")
    assert result.exit_code == 0 and "1件のタイマーを発火しました" in result.output
    with mail_platform.database.transaction(write=False) as s:
        asked = list(s.execute(select(Notification.recipient, Notification.kind)
                               .where(Notification.instance_id == case.id)))
    assert [tuple(row) for row in asked] == [("counter_naka", "reminder_letter")]
    clock.move_to(datetime(2026, 12, 2, 17, 1, tzinfo=JST))  # the pre-check deadline
    result = okuyami("worker", "--once")
    assert result.exit_code == 0 and "1件のタイマーを発火しました" in result.output
    with mail_platform.database.transaction(write=False) as s:
        told = set(s.scalars(select(Notification.recipient).where(Notification.instance_id == case.id)))
    assert {"sv", "kumin_naka", "kumin_naka2", "hoken_naka", "kourei_naka", "counter_naka"} == told
    assert len(smtp_server.inbox.to("sv@city.example.jp")) == 3
    assert "0件のタイマーを発火しました" in okuyami("timers", "run-due").output


@pytest.mark.parametrize("demo", [True, False])
def test_serve_runs_the_scheduler_inside_only_for_the_demo(okuyami, mail_platform, monkeypatch, demo):
    import waitress

    import processes.notifications.scheduling as scheduling

    toml = mail_platform.settings.instance_path / "okuyami.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f"demo = {'true' if demo else 'false'}\n", encoding="utf-8")
    made, seen = [], {}
    real = scheduling.make_scheduler

    def recording(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    def fake_serve(app, **kwargs):
        seen["running"] = [s.running for s in made]
        seen["jobs"] = [[job.id for job in s.get_jobs()] for s in made]
        seen["bell"] = "notifications.bell" in app.view_functions

    monkeypatch.setattr(scheduling, "make_scheduler", recording)
    monkeypatch.setattr(waitress, "serve", fake_serve)
    assert okuyami("serve", "--port", "5999").exit_code == 0
    if demo:
        assert seen["running"] == [True] and JOB_ID in seen["jobs"][0] and seen["bell"]
        assert not made[0].running                     # shut down with the server
    else:
        assert seen == {"running": [], "jobs": [], "bell": True}
