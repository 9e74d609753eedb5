"""Which modules define tables: the engine's own, plus those the application declares as entry points in the
group "okuyami.models" (pyproject.toml), so that migrations see every table without the engine importing the
application."""
from __future__ import annotations

import importlib
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "okuyami.models"


def import_model_modules() -> list[str]:
    names = ["engine.db.models", *sorted(ep.value for ep in entry_points(group=ENTRY_POINT_GROUP))]
    for name in names:
        importlib.import_module(name)
    return names
