"""Helpers shared by the tests: paths, model sources, PostgreSQL discovery."""
from __future__ import annotations

import os
from pathlib import Path

import psycopg

from engine.registry import ModelRegistry, ModelSource
from engine.registry.checks import CheckRules
from processes.roles import lane_policy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_MODELS = FIXTURES / "models"
FIXTURE_FORMS = FIXTURES / "forms" / "tasks"
SHARED = Path(os.environ.get("OKUYAMI_SHARED_DIR", ROOT.parent / "shared"))
MIWG_DIR = SHARED / "external" / "bpmn-miwg-reference"
PG_ADMIN_URL = os.environ.get("OKUYAMI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def fixture_sources(*names: str) -> list[ModelSource]:
    names = names or ("review.bpmn", "priority.dmn")
    return [ModelSource.from_path(FIXTURE_MODELS / n) for n in names]


def make_registry() -> ModelRegistry:
    return ModelRegistry(CheckRules(lanes=lane_policy(), form_exists=lambda name: (FIXTURE_FORMS / name).is_file()))


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def sqlalchemy_pg_url(database: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"
