"""Fixtures and helpers for the JSON API tests: an app with the real case process, forms and catalogue."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from engine import accounts
from engine.registry import ModelRegistry
from engine.registry.store import sources_in
from engine.runtime import WorkflowRuntime
from engine.settings import PROJECT_ROOT, load_settings
from processes.okuyami.services import SERVICES
from processes.platform import Platform, check_rules
from tests.case_support import JST, NOW  # noqa: F401 - the fixed clock (fixture `clock`) lives there
from tests.web_support import add_user

VISIT = datetime(2026, 12, 3, 10, 30, tzinfo=JST)
ANSWERED_NO = ("care_certification", "care_cost_limit_certificate", "care_services_used", "medical_costs_last_2y",
               "moped_or_small_vehicle", "income_in_year_of_death", "child_allowance_recipient",
               "child_medical_guardian", "single_parent_medical_recipient", "deceased_used_nursery",
               "household_child_in_nursery", "food_business_operator", "clinic_operator", "atomic_bomb_survivor")
USERS = {  # username: (role, ward, department)
    "op": ("operator", None, None), "sv": ("supervisor", None, None),
    "counter_naka": ("counter", "nakahara", None), "counter_tama": ("counter", "tama", None),
    "kumin_naka": ("dept_staff", "nakahara", "kumin"), "hoken_naka": ("dept_staff", "nakahara", "hoken_nenkin"),
    "kumin_tama": ("dept_staff", "tama", "kumin"), "po": ("process_owner", None, None),
    "admin": ("admin", None, None), "auditor": ("auditor", None, None),
}


@pytest.fixture
def api_app(tmp_path, database, data_key, clock):
    folder = tmp_path / "api-instance"
    folder.mkdir()
    (folder / "okuyami.toml").write_text(
        f'database_url = "{database.url}"\nsecret_key = "test-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    settings = load_settings(folder, environ={})
    registry = ModelRegistry(check_rules(settings))
    with database.transaction() as session:
        registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]), actor="test")
    runtime = WorkflowRuntime(database, registry, services=SERVICES)
    from web import create_app

    app = create_app(platform=Platform(settings, database, registry, runtime))
    app.config.update(TESTING=True)
    return app


class Tokens(dict):
    """Accounts and their bearer tokens, created on first use (password hashing is slow on purpose)."""

    def __init__(self, database):
        super().__init__()
        self.database = database

    def __missing__(self, name):
        role, ward, department = USERS[name]
        add_user(self.database, name, role, ward=ward, department=department)
        with self.database.transaction() as session:
            self[name] = accounts.issue_token(session, name)
        return self[name]


@pytest.fixture
def tokens(database):
    return Tokens(database)


@pytest.fixture
def api(api_app, tokens):
    return Api(api_app.test_client(), tokens)


class Api:
    def __init__(self, client, tokens):
        self.client, self.tokens = client, tokens

    def _headers(self, user):
        return {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}

    def get(self, path, user, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self._headers(user), **kwargs)

    def post(self, path, user, json=None, **kwargs):
        return self.client.post(f"/api/v1{path}", headers=self._headers(user), json=json, **kwargs)


def reservation(**changes) -> dict:
    body = {
        "ward": "nakahara", "slot_start": VISIT.isoformat(), "date_of_death": "2026-11-20",
        "death_registered_on": "2026-11-21", "death_registered_municipality": "川崎市中原区",
        "deceased": {"name": "川崎 太郎", "kana": "カワサキ タロウ", "address": "川崎市中原区小杉町3-245",
                     "birth_date": "1940-05-05"},
        "applicant": {"name": "川崎 花子", "kana": "カワサキ ハナコ", "address": "川崎市中原区小杉町3-245",
                      "birth_date": "1968-02-03", "phone": "044-200-0000"},
        "relationship": "長女", "representative_heir": True,
        "answers": {"household_head": "yes", "household_members_15plus_remaining": 2, "health_insurance": "kouki",
                    "funeral_held": "yes", "cards": ["seal_registration", "mynumber_card"], "welfare_items": [],
                    **{key: "no" for key in ANSWERED_NO}},
    }
    body.update(changes)
    return body


def walk_in(**changes) -> dict:
    body = reservation(**changes)
    body.pop("slot_start", None)
    return body


def fields(response) -> set[str]:
    return {e["field"] for e in response.get_json()["errors"]}
