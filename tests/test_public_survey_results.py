"""The survey's figures the reports read: satisfaction per ward over the answer days, and the corner time
(check-in to check-out) per ward over the visit days."""
from datetime import UTC, date, datetime, timedelta

from engine.db.models import ProcessInstance, ProcessVersion
from processes.okuyami.visit_models import CaseVisit
from processes.public.models import SurveyAnswer
from processes.public.survey_results import corner_minutes, satisfaction


def _answer(session, number, ward, day, corner, centre, felt):
    session.add(SurveyAnswer(public_id=f"a{number}", ward=ward, week_start=day - timedelta(days=day.weekday()),
                             answered_on=day, source="sheet", corner_satisfaction=corner,
                             callcentre_satisfaction=centre, time_felt_right=felt, received_at=datetime.now(UTC)))


def test_satisfaction_per_ward_and_period(database):
    with database.transaction() as session:
        _answer(session, 1, "nakahara", date(2026, 11, 2), 5, 4, True)
        _answer(session, 2, "nakahara", date(2026, 11, 30), 3, None, False)
        _answer(session, 3, "kawasaki", date(2026, 11, 10), 4, 2, None)
        _answer(session, 4, "kawasaki", date(2026, 12, 1), 1, 1, False)     # the next month
    with database.transaction(write=False) as session:
        november = satisfaction(session, date(2026, 11, 1), date(2026, 11, 30))
        only_nakahara = satisfaction(session, date(2026, 11, 1), date(2026, 11, 30), ward="nakahara")
        empty = satisfaction(session, date(2026, 10, 1), date(2026, 10, 31))
    assert november["answers"] == 3
    assert november["corner_satisfaction"] == 4.0
    assert november["callcentre_satisfaction"] == 3.0
    assert november["time_felt_right_share"] == 0.5
    assert november["by_ward"]["nakahara"] == {"answers": 2, "corner_satisfaction": 4.0,
                                               "callcentre_satisfaction": 4.0, "time_felt_right_share": 0.5}
    assert november["by_ward"]["kawasaki"]["time_felt_right_share"] is None
    assert set(only_nakahara["by_ward"]) == {"nakahara"} and only_nakahara["answers"] == 2
    assert empty == {"answers": 0, "corner_satisfaction": None, "callcentre_satisfaction": None,
                     "time_felt_right_share": None, "by_ward": {}}


def test_corner_minutes_per_ward(database):
    start = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)
    with database.transaction() as session:
        version = ProcessVersion(process_id="okuyami_case", version=1, name="case", content_hash="x", spec=b"",
                                 file_ids=[], lane_roles={}, deployed_by="test")
        session.add(version)
        session.flush()
        for ward, minutes in [("nakahara", 40), ("nakahara", 60), ("nakahara", 90),
                              ("kawasaki", 30), ("kawasaki", None)]:
            instance = ProcessInstance(process_version_id=version.id, process_id="okuyami_case", status="running",
                                       workflow=b"{}", row_version=1, ward=ward, created_by="test")
            session.add(instance)
            session.flush()
            session.add(CaseVisit(instance_id=instance.id, ward=ward, channel="booking", visit_on=date(2026, 11, 4),
                                  checked_in_at=start if minutes else None,
                                  checked_out_at=start + timedelta(minutes=minutes) if minutes else None))
    with database.transaction(write=False) as session:
        found = corner_minutes(session, date(2026, 11, 1), date(2026, 11, 30))
        kawasaki = corner_minutes(session, date(2026, 11, 1), date(2026, 11, 30), ward="kawasaki")
        none = corner_minutes(session, date(2026, 12, 1), date(2026, 12, 31))
    assert found["count"] == 4 and found["median"] == 50.0
    assert found["by_ward"] == {"kawasaki": {"count": 1, "median": 30.0}, "nakahara": {"count": 3, "median": 60.0}}
    assert kawasaki["by_ward"] == {"kawasaki": {"count": 1, "median": 30.0}}
    assert none == {"count": 0, "median": None, "by_ward": {}}


def test_the_demo_city_has_eight_weeks_of_answers_for_every_ward(database):
    from processes.calendar import today_jst
    from processes.demo.survey import seed_demo_survey
    from processes.wards import load_wards

    with database.transaction() as session:
        report = seed_demo_survey(session)
        assert seed_demo_survey(session) == []
    today = today_jst()
    with database.transaction(write=False) as session:
        figures = satisfaction(session, today - timedelta(days=70), today + timedelta(days=3))
    assert report == [f"survey answers {figures['answers']}"]
    assert set(figures["by_ward"]) == set(load_wards())
    assert all(w["answers"] >= 5 and 1 <= w["corner_satisfaction"] <= 5 for w in figures["by_ward"].values())
