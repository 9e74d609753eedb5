"""The ward offices, loaded from wards.yaml."""
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


@lru_cache(maxsize=1)
def load_wards(path: Path = WARDS_FILE) -> dict[str, Ward]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    wards = {}
    for entry in entries:
        ward = Ward(**entry)
        if ward.code in wards:
            raise ValueError(f"{path}: ward code {ward.code!r} appears twice")
        wards[ward.code] = ward
    return wards
