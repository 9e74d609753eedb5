"""Checking a handover folder against its manifest: every file present, its checksum and its row count as written,
and no file that the manifest does not name. The findings are Japanese sentences."""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from processes.handover.export import MANIFEST


def count_rows(name: str, content: bytes) -> int | None:
    if name.endswith(".csv"):
        return sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))) - 1
    if name.endswith(".json"):
        return len(json.loads(content))
    return None


def verify(folder: Path) -> list[str]:
    """The problems found (empty when the folder is as the manifest says)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entries = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{MANIFEST} がないか、読めません。書き出したフォルダを指定してください。"]
    problems = []
    for name, entry in entries.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} がありません。")
            continue
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            problems.append(f"{name} の内容が書き出した時と違います（チェックサムが一致しません）。")
            continue
        if "count" in entry and name != "personal_data.sealed" and count_rows(name, content) != entry["count"]:
            problems.append(f"{name} の件数が目録（{entry['count']}件）と違います。")
    listed = set(entries) | {MANIFEST}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in listed:
            problems.append(f"{name} は目録にないファイルです。")
    return problems
