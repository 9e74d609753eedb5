"""The supervisor's deadline view (業務日報用): overdue and soon-due tasks by ward and department with how long
they have been open and how late they are, and the escalations waiting; supervisors only; printable."""
from __future__ import annotations

import re
from datetime import datetime

from engine.db.types import utcnow
from processes.notifications.deadline_report import deadline_report
from processes.notifications.scheduling import fire_due_timers
from processes.okuyami.cases import start_case
from tests.case_support import JST, book, reservation
from tests.page_support import text_of

DATES = {"deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"}


def book_in(runtime, ward: str, visit: datetime):
    case = start_case(runtime, "booking", "op", ward=ward)
    [booking] = runtime.list_tasks(instance_id=case.id)
    runtime.complete_task(booking.id, reservation(DATES, ward=ward, slot_start=visit.isoformat()), "op")
    return case


def test_overdue_and_soon_due_tasks_by_ward_and_department_with_their_age(api_app, browsers, clock):
    platform = api_app.extensions["okuyami"]
    rt = platform.runtime
    late = book(rt)                                                          # due Dec 2, 17:00
    soon = book_in(rt, "nakahara", datetime(2026, 12, 4, 10, 30, tzinfo=JST))   # due Dec 3, 17:00
    later = book_in(rt, "tama", datetime(2026, 12, 10, 10, 30, tzinfo=JST))   # due Dec 9: neither
    clock.move_to(datetime(2026, 12, 2, 17, 31, tzinfo=JST))
    fire_due_timers(platform)

    page = text_of(browsers["sv"].get("/supervisor/deadlines"))
    assert "期限超過 <strong>3件</strong>" in page and "期限 <strong>3件</strong>" in page
    assert "中原区・区民課\n    （2件、うち期限超過 1件）" in page
    assert "多摩区" not in page
    assert page.count("期限超過</strong></td>") == 3
    assert "<td>31分</td>" in page              # 31 minutes past 17:00
    assert "8日7時間" in page                 # open since Nov 24, 10:00
    kumin_late = next(t for t in rt.list_tasks(instance_id=late.id) if t.department == "kumin")
    assert f'href="/tasks/{kumin_late.id}/form"' in page
    shown = {int(task_id): state for state, task_id in
             re.findall(r'<tr class="(overdue|soon)">.*?href="/tasks/(\d+)/form"', page, re.S)}
    assert {shown.get(t.id) for t in rt.list_tasks(instance_id=late.id)} == {"overdue"}
    assert {shown.get(t.id) for t in rt.list_tasks(instance_id=soon.id)} == {"soon"}
    assert {shown.get(t.id) for t in rt.list_tasks(instance_id=later.id)} == {None}
    assert 'href="/static/css/supervisor.css"' in page and "印刷" in page
    assert "対応待ちのエスカレーションはありません" in page

    clock.move_to(datetime(2026, 12, 3, 8, 31, tzinfo=JST))
    fire_due_timers(platform)
    del browsers["sv"]                       # the session has idled out overnight: sign in again
    page = text_of(browsers["sv"].get("/supervisor/deadlines"))
    [review] = rt.list_tasks(instance_id=late.id, role="supervisor")
    assert f'<a href="/tasks/{review.id}/form">期限超過への対応（再割当・電話）</a>' in page
    form = text_of(browsers["sv"].get(f"/tasks/{review.id}/form"))          # the supervisor's task form
    assert "担当者を再割当した" in form and "担当課・担当者に電話で確認した" in form


def test_only_supervisors_open_the_view(api_app, browsers):
    for name in ("op", "counter_naka", "kumin_naka", "admin"):
        assert browsers[name].get("/supervisor/deadlines").status_code == 403
    assert browsers["sv"].get("/supervisor/deadlines").status_code == 200
    assert 'href="/supervisor/deadlines"' in text_of(browsers["sv"].get("/tasks"))
    assert 'href="/supervisor/deadlines"' not in text_of(browsers["op"].get("/tasks"))


def test_a_supervisor_of_one_ward_sees_only_that_ward(case_runtime, clock):
    rt = case_runtime
    book(rt)
    book_in(rt, "tama", datetime(2026, 12, 3, 10, 30, tzinfo=JST))
    clock.move_to(datetime(2026, 12, 2, 18, 0, tzinfo=JST))
    with rt.db.transaction(write=False) as s:
        everything = deadline_report(s, utcnow())
        tama = deadline_report(s, utcnow(), ward="tama")
    assert {g.ward for g in everything.groups} == {"nakahara", "tama"}
    assert {g.ward for g in tama.groups} == {"tama"} and tama.overdue_count == 3
