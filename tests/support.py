"""Helpers shared by the tests: paths, the suite's data key, the sample models and PostgreSQL discovery (the last
two shared with the benchmarks, which take them from bench/fixtures.py)."""
from __future__ import annotations

import os
from pathlib import Path

from bench.fixtures import (
    FIXTURE_FORMS,
    FIXTURE_MODELS,
    FIXTURES,
    PG_ADMIN_URL,
    fixture_sources,
    make_registry,
    postgres_unreachable_reason,
    sqlalchemy_pg_url,
)
from engine import crypto
from engine.settings import PROJECT_ROOT

__all__ = ["FIXTURES", "FIXTURE_FORMS", "FIXTURE_MODELS", "MIWG_DIR", "PG_ADMIN_URL", "ROOT", "SHARED",
           "TEST_DATA_KEY", "fixture_sources", "make_registry", "postgres_reachable", "sqlalchemy_pg_url"]

ROOT = PROJECT_ROOT
SHARED = Path(os.environ.get("OKUYAMI_SHARED_DIR", ROOT.parent / "shared"))
MIWG_DIR = SHARED / "external" / "bpmn-miwg-reference"
TEST_DATA_KEY = crypto.generate_key()   # the key the whole run encrypts with (conftest's data_key fixture)


def postgres_reachable() -> bool:
    return postgres_unreachable_reason() is None
