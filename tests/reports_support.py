"""The demo city once per test module for the report tests: the models, the demo users, four weeks of contact
records, the demo families' cases, a day of phone calls (tests/fixtures/calls/queue_log_day.txt, 1 Dec 2026) and a
few survey answers, at the case tests' fixed time (Tuesday 24 Nov 2026, 10:00). Seeding takes seconds, so the
modules share it (scope="module") and each test reads it or adds only what it checks."""
from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select, text

from engine import accounts
from engine.db.base import Base
from engine.db.session import Database
from engine.settings import load_settings
from processes.calls.importer import import_file
from processes.demo.cases import FAMILIES, seed_demo_cases
from processes.demo.city import DEMO_USERS
from processes.demo.contacts import seed_demo_contacts
from processes.okuyami.visit_models import CaseVisit
from processes.platform import Platform, build_platform
from processes.public.models import SurveyAnswer
from tests.api_support import USERS, Api, Tokens
from tests.case_support import NOW
from tests.support import FIXTURES
from tests.web_support import PASSWORD, add_user

CORNER_MINUTES = 35
SURVEY = [("nakahara", date(2026, 11, 10), 5, 4, True), ("nakahara", date(2026, 11, 20), 3, 5, False),
          ("kawasaki", date(2026, 11, 12), 4, None, True), ("kawasaki", date(2026, 12, 1), 2, 2, False)]


@dataclass
class ReportCity:
    platform: Platform
    database: Database
    instance: Path
    app: object
    api: Api


def family_names() -> set[str]:
    return {value for family in FAMILIES.values() for key, value in family.items()
            if key in ("name", "kana", "applicant", "applicant_kana")}


def _database(backend: str, request, folder: Path) -> Database:
    if backend == "sqlite":
        path = folder / "okuyami.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Database(f"sqlite:///{path}")
    db = request.getfixturevalue("postgres_database")
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


def _seed(platform: Platform) -> None:
    database = platform.database
    with database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        for user in DEMO_USERS:
            accounts.create_user(session, user.username, user.role, PASSWORD, ward=user.ward,
                                 department=user.department)
    for name, (role, ward, department) in USERS.items():
        add_user(database, name, role, ward=ward, department=department)
    seed_demo_contacts(platform)
    seed_demo_cases(platform.runtime)
    import_file(database, FIXTURES / "calls" / "queue_log_day.txt", "queue_log")
    with database.transaction() as session:      # the checked-in family leaves the corner after 35 minutes
        for visit in session.scalars(select(CaseVisit).where(CaseVisit.checked_in_at.is_not(None))):
            visit.checked_out_at = visit.checked_in_at + timedelta(minutes=CORNER_MINUTES)
        for number, (ward, day, corner, centre, felt) in enumerate(SURVEY):
            session.add(SurveyAnswer(public_id=f"report-test-{number}", ward=ward, answered_on=day,
                                     week_start=day - timedelta(days=day.weekday()), source="sheet",
                                     corner_satisfaction=corner, callcentre_satisfaction=centre,
                                     time_felt_right=felt, received_at=datetime.now(UTC)))


@pytest.fixture(scope="module")
def report_city(backend, request, tmp_path_factory, data_key):
    folder = tmp_path_factory.mktemp("report-city")
    database = _database(backend, request, folder)
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "reports-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        platform = build_platform(load_settings(folder, environ={}))
        _seed(platform)
        from web import create_app

        app = create_app(platform=platform)
        app.config.update(TESTING=True)
        tokens = Tokens(database)
        with database.transaction() as session:
            for name in USERS:
                tokens[name] = accounts.issue_token(session, name)
        yield ReportCity(platform, database, folder, app, Api(app.test_client(), tokens))
    if backend == "sqlite":
        platform.database.dispose()
