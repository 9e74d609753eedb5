"""Writing a handover folder: the plain tables and files, the sealed personal archive when a recipient key is given,
the Japanese README and the manifest (counts and SHA-256 of every file). Reading the cases' data is audited."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from engine.runtime import WorkflowRuntime, audit
from processes.csv_export import write_csv
from processes.handover.readme import readme
from processes.handover.sealed import ARCHIVE_NAME, seal
from processes.handover.tables import JST, collect

MANIFEST = "manifest.json"
README = "README.md"


def export(session: Session, runtime: WorkflowRuntime, out: Path, actor: str, recipient_key: bytes | None = None,
           now: datetime | None = None) -> dict:
    handover = collect(session, runtime, with_personal=recipient_key is not None)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[bytes, int | None]] = {}
    for name, (header, rows) in handover.tables.items():
        files[name] = (write_csv(rows, header), len(rows))
    for name, content in handover.documents.items():
        files[name] = ((json.dumps(content, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8"),
                       len(content))
    for name, content in handover.files.items():
        files[name] = (content, None)
    if recipient_key is not None:
        files[ARCHIVE_NAME] = (seal(handover.personal, recipient_key),
                               sum(len(part) for part in handover.personal.values()))
    files[README] = (readme(recipient_key is not None).encode("utf-8"), None)
    entries = {}
    for name, (content, count) in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        entries[name] = {"sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
        if count is not None:
            entries[name]["count"] = count
    manifest = {"format": "okuyami-handover/1", "written_at": (now or datetime.now(JST)).astimezone(JST).isoformat(
        timespec="seconds"), "personal_data": recipient_key is not None, "files": entries}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    audit.record(session, actor, "handover.exported",
                 detail={"personal_data": recipient_key is not None, "files": len(entries),
                         "cases": entries["cases.csv"]["count"]})
    return manifest
