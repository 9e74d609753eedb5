"""The repository's procedure catalogue as an editable document, for tests that change it and validate or deploy
the result."""
from __future__ import annotations

import yaml

from processes.okuyami.catalogue import CATALOGUE_FILE


def repository_document() -> dict:
    return yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))


def dump(document: dict) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def entry(document: dict, procedure_id: str) -> dict:
    return next(e for e in document["procedures"] if e["id"] == procedure_id)


def drop_a_required_field(document: dict) -> None:
    del entry(document, "JU03")["deadline"]


def name_an_unknown_department(document: dict) -> None:
    entry(document, "KA01")["department"] = "kaigo"
