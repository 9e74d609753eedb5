"""Fixtures for the administration tests: whatever an administrator saved is put back to the repository's YAML and
registry after each test (those values are process-wide, as they are in the running app)."""
from __future__ import annotations

import pytest

from processes.administration import live


@pytest.fixture(autouse=True)
def repository_values_afterwards():
    yield
    live.reset()
