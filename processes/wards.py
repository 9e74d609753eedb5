"""The ward offices: wards.yaml, until the administrator saves them (processes/administration/wards.py), from then
on the database's values, installed here with use_administered_wards."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

WARDS_FILE = Path(__file__).with_name("wards.yaml")


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    office: str
    address: str
    corner_location: str = ""
    corner_floor: str = ""


_administered: dict[str, Ward] | None = None


def use_administered_wards(wards: dict[str, Ward] | None) -> None:
    """The administrator's wards in place of wards.yaml (None: back to the YAML)."""
    global _administered
    _administered = wards


def load_wards(path: Path = WARDS_FILE) -> dict[str, Ward]:
    if _administered is not None and path == WARDS_FILE:
        return _administered
    return _load_yaml(path)


@lru_cache(maxsize=1)
def _load_yaml(path: Path) -> dict[str, Ward]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    wards = {}
    for entry in entries:
        ward = Ward(**entry)
        if ward.code in wards:
            raise ValueError(f"{path}: ward code {ward.code!r} appears twice")
        wards[ward.code] = ward
    return wards
