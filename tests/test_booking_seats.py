"""Booking's hot path: the booked count per slot comes from an indexed column of the case (case_visits), not from
every running case's decrypted data; the last place of a slot is guarded by the database (a unique seat per
ward and slot), so two bookings racing for it never both win; moves and cancellations keep the count right;
existing cases are back-filled by the migration."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.db.migrate import alembic_config, upgrade
from processes.okuyami.booking import booked_counts, create_case
from processes.okuyami.booking_changes import cancel_case, move_case
from processes.okuyami.visit import check_in, complete_visit, visit_procedures
from processes.okuyami.visit_models import CaseVisit
from processes.tasks.access import Actor
from processes.tasks.validation import ValidationFailed
from tests.api_support import walk_in
from tests.case_support import MOVED_VISIT, NOW, VISIT, reservation

OPERATOR = Actor("op", "operator", None, None)
COUNTER = Actor("counter_naka", "counter", "nakahara", None)


def book(api_app, **changes) -> int:
    p = api_app.extensions["okuyami"]
    with p.database.transaction() as session:
        return create_case(session, p.runtime, p.settings.forms_dir, "booking", "op", reservation(**changes)).id


def counts(api_app, ward="nakahara"):
    p = api_app.extensions["okuyami"]
    with p.database.transaction(write=False) as session:
        return booked_counts(session, None, ward)


def rows(api_app) -> dict[int, CaseVisit]:
    p = api_app.extensions["okuyami"]
    with p.database.transaction(write=False) as session:
        found = {row.instance_id: row for row in session.scalars(select(CaseVisit))}
        for row in found.values():
            session.expunge(row)
        return found


def test_a_booking_takes_the_slots_seat_and_a_second_booking_of_the_slot_is_refused(api_app, api):
    case_id = book(api_app)
    assert counts(api_app) == {VISIT: 1}
    row = rows(api_app)[case_id]
    assert (row.ward, row.channel, row.seat, row.visit_on) == ("nakahara", "booking", 1, VISIT.date())
    assert row.slot_start == VISIT and row.family_names() == {"deceased": "川崎 太郎", "applicant": "川崎 花子"}
    second = api.post("/cases", "op", reservation())
    assert second.status_code == 409 and "埋まっています" in second.get_json()["error"]["message"]
    assert counts(api_app) == {VISIT: 1}
    other_ward = api.post("/cases", "op", reservation(ward="tama", death_registered_municipality="川崎市多摩区"))
    assert other_ward.status_code == 201 and counts(api_app, "tama") == {VISIT: 1}


def test_the_free_slots_count_from_the_column(api_app, api):
    book(api_app)
    slots = api.get("/slots?ward=nakahara&from=2026-12-03&to=2026-12-03", "op").get_json()["slots"]
    [taken] = [s for s in slots if s["start"] == VISIT.isoformat()]
    assert (taken["booked"], taken["available"]) == (1, False)
    assert all(s["booked"] == 0 for s in slots if s["start"] != VISIT.isoformat())


def test_a_move_takes_the_new_slots_seat_and_frees_the_old_one(api_app):
    p = api_app.extensions["okuyami"]
    case_id = book(api_app)
    with p.database.transaction() as session:
        move_case(session, p.runtime, OPERATOR, case_id, MOVED_VISIT.isoformat())
    assert counts(api_app) == {MOVED_VISIT: 1}
    row = rows(api_app)[case_id]
    assert (row.slot_start, row.visit_on) == (MOVED_VISIT, MOVED_VISIT.date())
    assert book(api_app) > case_id                       # the old slot can be booked again


def test_a_cancellation_frees_the_seat_and_keeps_the_row(api_app):
    p = api_app.extensions["okuyami"]
    case_id = book(api_app)
    with p.database.transaction() as session:
        cancel_case(session, p.runtime, OPERATOR, case_id, "ご家族の都合")
    assert counts(api_app) == {}
    row = rows(api_app)[case_id]
    assert row.seat is None and row.cancelled_at is not None and row.slot_start == VISIT
    book(api_app)
    assert counts(api_app) == {VISIT: 1}


def test_the_database_refuses_a_second_holder_of_the_same_seat(api_app):
    p = api_app.extensions["okuyami"]
    first = book(api_app)
    with p.database.transaction() as session:
        other = create_case(session, p.runtime, p.settings.forms_dir, "walk_in", "counter_naka", walk_in()).id
    assert other != first
    with pytest.raises(IntegrityError), p.database.transaction() as session:
        row = session.get(CaseVisit, other)
        row.slot_start, row.seat = VISIT, 1
        session.flush()


def test_racing_bookings_for_the_last_place_leave_exactly_one_winner(api_app):
    p = api_app.extensions["okuyami"]
    racers = 4
    start = threading.Barrier(racers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race():
        start.wait()
        try:
            with p.database.transaction() as session:
                create_case(session, p.runtime, p.settings.forms_dir, "booking", "op", reservation())
            result = "booked"
        except ValidationFailed as exc:
            result = f"{exc.status}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409"] * (racers - 1) + ["booked"]
    assert counts(api_app) == {VISIT: 1}
    assert len([r for r in rows(api_app).values() if r.seat is not None]) == 1


def test_the_migration_back_fills_existing_cases(api_app, database, clock):
    p = api_app.extensions["okuyami"]
    booked = book(api_app)
    moved = book(api_app, slot_start=(VISIT + timedelta(hours=2, minutes=30)).isoformat())
    with p.database.transaction() as session:
        move_case(session, p.runtime, OPERATOR, moved, MOVED_VISIT.isoformat())
        walked = create_case(session, p.runtime, p.settings.forms_dir, "walk_in", "counter_naka", walk_in()).id
    cancelled = book(api_app, slot_start=(VISIT + timedelta(hours=4)).isoformat())
    with p.database.transaction() as session:
        cancel_case(session, p.runtime, OPERATOR, cancelled, "ご家族の都合")
        check_in(session, p.runtime, COUNTER, walked)
    clock.move_to(NOW + timedelta(minutes=40))
    with p.database.transaction() as session:
        ids = [x["id"] for x in visit_procedures(p.runtime.instance_data(walked, session=session))]
        complete_visit(session, p.runtime, p.settings.forms_dir, COUNTER, walked,
                       {f"outcome.{pid}": "corner" for pid in ids})
    before = rows(api_app)

    config = alembic_config(database)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0012")
    upgrade(database)
    after = rows(api_app)
    assert set(after) == {booked, moved, walked, cancelled}
    for case_id in (booked, moved, walked):
        old, new = before[case_id], after[case_id]
        assert (new.ward, new.channel, new.slot_start, new.seat, new.visit_on) == \
            (old.ward, old.channel, old.slot_start, old.seat, old.visit_on)
        assert new.family_names() == old.family_names()
    assert after[cancelled].seat is None and after[cancelled].cancelled_at is not None
    assert (after[walked].checked_in_at, after[walked].checked_out_at) == (NOW, NOW + timedelta(minutes=40))
    assert counts(api_app) == {VISIT: 1, MOVED_VISIT: 1}
