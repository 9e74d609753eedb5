"""The procedure catalogue (手続カタログ): versioned data that process owners edit.

`catalogue.yaml` holds one entry per procedure of the specification 5(3)① (the 50 IDs of procedure_ids.py).
A catalogue is identified by the hash of its text (line endings normalised), so the same text is the same
version wherever it comes from. Here: what a procedure is, the catalogue and its lookups, and loading a text or
file; catalogue_validation.py checks the text first (every problem at once, nothing partial).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping

from engine.errors import NotFound
from processes.departments import DEPARTMENTS
from processes.okuyami.catalogue_validation import (
    HANDLING_LABELS,
    MAX_CATALOGUE_BYTES,
    check_catalogue_text,
    normalise_text,
)

CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")


# ---------------------------------------------------------------------------------------------- the data
@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    category: str
    department: str
    counters: Mapping[str, str] = field(hash=False)
    """Counter location per ward code (all wards of wards.yaml)."""
    items_to_bring: tuple[str, ...]
    explanation: str
    url: str
    deadline: str
    handling: str
    forms: tuple[str, ...]
    effective_from: date
    effective_to: date | None
    """The last day the entry applies (inclusive); None while it applies."""
    form_conditions: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict, hash=False)
    """Per form: the interview answers it needs (answer key → the answers that fit); a form without one always
    fits. A question not asked counts as "unknown"."""

    @property
    def department_name(self) -> str:
        return DEPARTMENTS[self.department]

    @property
    def handling_label(self) -> str:
        return HANDLING_LABELS[self.handling]

    def counter_for(self, ward: str) -> str:
        try:
            return self.counters[ward]
        except KeyError:
            raise NotFound(f"procedure {self.id} has no counter for ward {ward!r}",
                           user_message=f"手続 {self.id} の {ward} の窓口は登録されていません。") from None

    def forms_for(self, answers: Mapping) -> tuple[str, ...]:
        """The forms that fit the family's answers (form_conditions), in catalogue order."""
        def fits(condition: Mapping[str, tuple[str, ...]]) -> bool:
            for key, allowed in condition.items():
                value = answers.get(key, "unknown")
                given = value if isinstance(value, list) else [value]
                if not any(str(v) in allowed for v in given):
                    return False
            return True
        return tuple(form for form in self.forms if fits(self.form_conditions.get(form, {})))

    def is_effective_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "category": self.category, "department": self.department,
                "counters": dict(self.counters), "items_to_bring": list(self.items_to_bring),
                "explanation": self.explanation, "url": self.url, "deadline": self.deadline,
                "handling": self.handling, "forms": list(self.forms),
                "form_conditions": {form: {k: list(v) for k, v in c.items()} for form, c in self.form_conditions.items()},
                "effective_from": self.effective_from.isoformat(),
                "effective_to": self.effective_to.isoformat() if self.effective_to else None}


class Catalogue:
    """A validated catalogue. Read-only: `procedures` is a mapping in catalogue (YAML) order."""

    def __init__(self, version: str, effective_from: date, procedures: dict[str, Procedure], text: str):
        self.version = version
        self.effective_from = effective_from
        self.procedures: Mapping[str, Procedure] = MappingProxyType(dict(procedures))
        self.text = text
        self.content_hash = content_hash(text)

    def __repr__(self) -> str:
        return f"<Catalogue {self.version} {self.content_hash[:12]} ({len(self.procedures)} procedures)>"

    def __len__(self) -> int:
        return len(self.procedures)

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self.procedures.values())

    def __contains__(self, procedure_id: object) -> bool:
        return procedure_id in self.procedures

    def get(self, procedure_id: str, default: Procedure | None = None) -> Procedure | None:
        return self.procedures.get(procedure_id, default)

    def require(self, procedure_id: str) -> Procedure:
        procedure = self.procedures.get(procedure_id)
        if procedure is None:
            raise NotFound(f"procedure {procedure_id!r} is not in catalogue {self.version}",
                           user_message=f"手続 {procedure_id} は手続カタログ（{self.version}）にありません。")
        return procedure

    def for_department(self, code: str, on: date | None = None) -> list[Procedure]:
        if code not in DEPARTMENTS:
            raise NotFound(f"unknown department {code!r}", user_message=f"担当課コード「{code}」は登録されていません。")
        return [p for p in self.procedures.values()
                if p.department == code and (on is None or p.is_effective_on(on))]

    def effective_on(self, day: date) -> list[Procedure]:
        return [p for p in self.procedures.values() if p.is_effective_on(day)]


# ---------------------------------------------------------------------------------------------- loading
def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def validate_catalogue_text(text: str | bytes, *, max_bytes: int = MAX_CATALOGUE_BYTES) -> Catalogue:
    """The catalogue of uploaded YAML, or CatalogueError (catalogue_validation.py) listing every problem."""
    checked = check_catalogue_text(text, max_bytes=max_bytes)
    procedures = {entry["id"]: Procedure(**entry) for entry in checked.entries}
    return Catalogue(checked.version, checked.effective_from, procedures, checked.text)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue in a YAML file (default: the repository's catalogue.yaml); cached until the file changes."""
    path = Path(path) if path is not None else CATALOGUE_FILE
    stat = path.stat()
    return _load_file(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_file(path: str, _mtime_ns: int, _size: int) -> Catalogue:
    return validate_catalogue_text(Path(path).read_bytes())
