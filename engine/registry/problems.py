from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One reason a model cannot be deployed, in words a process owner understands (Japanese)."""

    file: str
    element: str | None
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.element}]" if self.element else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.file, "element": self.element, "message": self.message, "code": self.code}


@dataclass(frozen=True)
class ModelSource:
    """A model file's name (e.g. `okuyami_case.bpmn`) and its bytes."""

    name: str
    content: bytes = field(repr=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def kind(self) -> str:
        return "dmn" if self.name.lower().endswith(".dmn") else "bpmn"

    @classmethod
    def from_path(cls, path: str | Path) -> "ModelSource":
        path = Path(path)
        return cls(path.name, path.read_bytes())
