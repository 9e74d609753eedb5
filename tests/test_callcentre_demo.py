"""The demo city's call centre: a few weeks of varied contact records, the same every time it is seeded (seeded
random), and today's open inquiries waiting in the departments' and the supervisor's worklists."""
from __future__ import annotations

import random
from collections import Counter
from datetime import date

from sqlalchemy import select

from engine.db.models import HumanTask
from processes.callcentre.models import ContactCallback, ContactRecord
from processes.demo.contacts import SEED, _history, seed_demo_contacts


def _records(database) -> list[tuple]:
    with database.transaction(write=False) as session:
        return [(r.channel, r.outcome, r.category, r.question, r.started_at.isoformat(), r.operator)
                for r in session.scalars(select(ContactRecord).order_by(ContactRecord.id))]


def test_the_demo_has_weeks_of_varied_contacts_and_open_inquiries(api_app, database, clock):
    from processes.demo.city import DEMO_USERS
    from tests.web_support import add_user

    for user in DEMO_USERS:
        add_user(database, user.username, user.role, ward=user.ward, department=user.department)
    platform = api_app.extensions["okuyami"]
    report = seed_demo_contacts(platform)
    assert report and report[0].startswith("contacts: ")
    records = _records(database)
    days = {started[:10] for _, _, _, _, started, _ in records}
    assert len(records) >= 200 and len(days) >= 15
    assert set(Counter(r[1] for r in records)) == {"answered", "booked", "transferred", "handed_over",
                                                   "not_city_matter", "citizen_voice", "centre_callback"}
    assert set(Counter(r[0] for r in records)) == {"phone", "fax", "web_form", "email"}
    assert not any("様" in r[3] for r in records)
    with database.transaction(write=False) as session:
        open_tasks = {(t.role, t.department, t.ward) for t in session.scalars(
            select(HumanTask).where(HumanTask.state == "READY", HumanTask.form.is_not(None)))
            if t.form in ("inquiry_callback.json", "citizen_voice_review.json")}
        assert len(session.scalars(select(ContactCallback)).all()) == 3
    assert {("dept_staff", "kourei_shogai", "nakahara"), ("dept_staff", "kumin", "nakahara"),
            ("supervisor", None, None), ("operator", None, None)} <= open_tasks
    assert seed_demo_contacts(platform) == []


def test_the_demo_contacts_are_the_same_every_time():
    def history():
        rows = _history(random.Random(SEED), date(2026, 11, 24))
        return [(r.channel, r.outcome, r.question, r.started_at, r.operator) for r in rows]

    assert history() == history()
