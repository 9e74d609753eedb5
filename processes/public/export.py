"""`okuyami public export --out DIR`: every part the public side may hold, written as DIR/<part>.json plus
DIR/manifest.json. Each file is written beside its final name and renamed into place, so the public application
never reads half a file. Later issues add their parts to PARTS (a name and a function of the session and today)."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy.orm import Session

from processes.public import faq, keys, navi, slots, survey

FORMAT = 1


@dataclass(frozen=True)
class Part:
    name: str
    build: Callable[[Session, date], dict]


PARTS: list[Part] = [Part(faq.NAME, faq.build), Part(navi.NAME, navi.build), Part(keys.NAME, keys.build),
                     Part(survey.NAME, survey.build), Part(slots.NAME, slots.build)]


def _write(path: Path, data: dict) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False, separators=(",", ":"))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export(session: Session, out: Path, today: date) -> dict:
    """Writes every part; returns the manifest (what was written and how much)."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "parts": {}}
    for part in PARTS:
        data = part.build(session, today)
        _write(out / f"{part.name}.json", data)
        manifest["parts"][part.name] = {key: len(value) for key, value in data.items() if isinstance(value, list)}
    _write(out / "manifest.json", manifest)
    return manifest
