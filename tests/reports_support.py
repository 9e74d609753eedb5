"""The demo city once per test module for the report tests: the models, the demo users, four weeks of contact
records, the demo families' cases, a day of phone calls (tests/fixtures/calls/queue_log_day.txt, 1 Dec 2026) and a
few survey answers, at the case tests' fixed time (Tuesday 24 Nov 2026, 10:00). Seeding takes seconds, so the
modules share it (scope="module") and each test reads it or adds only what it checks."""
from __future__ import annotations

import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
import time_machine
from sqlalchemy import select

from engine import accounts
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.settings import load_settings
from processes.calls.importer import import_file
from processes.demo.cases import FAMILIES, seed_demo_cases
from processes.demo.city import DEMO_USERS
from processes.demo.contacts import seed_demo_contacts
from processes.demo.faq import seed_demo_faq
from processes.faq.logs import record_search, record_use
from processes.faq.models import FaqItem
from processes.okuyami.visit_models import CaseVisit
from processes.platform import Platform, build_platform
from processes.public.models import SurveyAnswer
from tests.api_support import USERS, Api, Tokens
from tests.case_support import NOW
from tests.support import FIXTURES, PG_ADMIN_URL, sqlalchemy_pg_url
from tests.web_support import PASSWORD, add_user

CORNER_MINUTES = 35
FAQ_SEARCHES = [("葬祭費", 3, 0), ("葬祭費 申請", 2, 0), ("年金", 1, 1), ("ペットの登録", 0, None),
                ("ペットの登録", 0, None), ("自動車税", 0, None)]
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


@contextmanager
def _database(backend: str, request, folder: Path):
    """A migrated database of its own (PostgreSQL: a database apart, which no other test module truncates)."""
    if backend == "sqlite":
        path = folder / "okuyami.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = f"okuyami_reports_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    db = Database(sqlalchemy_pg_url(name))
    upgrade(db)
    db.dispose()
    try:
        yield sqlalchemy_pg_url(name)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
        seed_demo_faq(session)
        items = session.scalars(select(FaqItem).order_by(FaqItem.number).limit(2)).all()
        at = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
        for number, (query, hits, used) in enumerate(FAQ_SEARCHES):
            record_search(session, f"report-test-{number}", query, hits, at)
            if used is not None:
                record_use(session, f"report-test-{number}", items[used], at)
        for number, (ward, day, corner, centre, felt) in enumerate(SURVEY):
            session.add(SurveyAnswer(public_id=f"report-test-{number}", ward=ward, answered_on=day,
                                     week_start=day - timedelta(days=day.weekday()), source="sheet",
                                     corner_satisfaction=corner, callcentre_satisfaction=centre,
                                     time_felt_right=felt, received_at=datetime.now(UTC)))


@pytest.fixture(scope="session")
def report_city_data(backend, request, tmp_path_factory, data_key):
    """Seeded once per backend for every report test module (each module adds only what it checks, in periods or
    rows of its own)."""
    folder = tmp_path_factory.mktemp("report-city")
    with _database(backend, request, folder) as url:
        (folder / "okuyami.toml").write_text(
            f'database_url = "{url}"\nsecret_key = "reports-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
            encoding="utf-8")
        with time_machine.travel(NOW, tick=False):
            platform = build_platform(load_settings(folder, environ={}))
            _seed(platform)
            from web import create_app

            app = create_app(platform=platform)
            app.config.update(TESTING=True)
            tokens = Tokens(platform.database)
            with platform.database.transaction() as session:
                for name in USERS:
                    tokens[name] = accounts.issue_token(session, name)
        yield ReportCity(platform, platform.database, folder, app, Api(app.test_client(), tokens))
        platform.database.dispose()


@pytest.fixture(scope="module")
def report_city(report_city_data):
    """The report city at its fixed time (Tuesday 24 Nov 2026, 10:00) for the length of a module."""
    with time_machine.travel(NOW, tick=False):
        yield report_city_data
