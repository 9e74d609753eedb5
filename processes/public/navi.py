"""The home navi's part of the export: the interview as the staff screens ask it, the *live* selection DMN and
catalogue (public fields only), and the wards' corners, so that the public side evaluates exactly what the
booking screen would without the database. Also the interview's schema for the answers code, by version."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ModelFile
from engine.dmn import DecisionService
from engine.registry.live import live_dmn_files
from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.catalogue_store import live_catalogue
from processes.okuyami.interview import MAX_HOUSEHOLD
from processes.okuyami.interview_questions import question_groups
from processes.okuyami.selection import DECISION_ID
from processes.public import answers_code
from processes.wards import load_wards

NAME = "navi"
VERSIONS_FILE = Path(__file__).with_name("interview_versions.json")
"""Every interview version's schema ever exported: a code made by any of them still decodes. When the interview's
questions change, the new schema is appended under the next number (tests check the current one is listed)."""


def _groups(welfare_names: dict[str, str]) -> list[dict]:
    groups = []
    for title, questions in question_groups(welfare_names):
        groups.append({"title": title, "questions": [
            {"key": q.key, "label": q.label, "kind": q.kind,
             "options": [[value, welfare_names.get(value, label) if q.key == "welfare_items" else label]
                         for value, label in q.options]}
            for q in questions]})
    return groups


def schema_of(groups: list[dict]) -> list[dict]:
    """The answers code's schema of these question groups (option values only, in the order asked)."""
    schema = []
    for group in groups:
        for question in group["questions"]:
            options = ([MAX_HOUSEHOLD] if question["kind"] == "number"
                       else [value for value, _ in question["options"]])
            schema.append({"key": question["key"], "kind": question["kind"], "options": options})
    return schema


def known_schemas() -> dict[int, list[dict]]:
    return {int(version): schema for version, schema in
            json.loads(VERSIONS_FILE.read_text(encoding="utf-8")).items()}


def current_groups() -> list[dict]:
    return _groups({p.id: p.name for p in load_catalogue() if p.id.startswith("KS")})


def current_version() -> tuple[int, list[dict]]:
    """(version, schema) of the interview as the code asks it now; LookupError if it was never listed."""
    schema = schema_of(current_groups())
    for version, known in known_schemas().items():
        if known == schema:
            return version, schema
    raise LookupError("the interview's questions changed: add their schema to interview_versions.json")


def decode_code(code: str) -> tuple[dict, list[str]]:
    """The answers a code carries, mapped onto today's interview: (answers, keys that no longer map)."""
    _, answers = answers_code.decode(code, known_schemas())
    return answers_code.map_answers(answers, current_version()[1])


def _selection_dmn(session: Session) -> str | None:
    for file in live_dmn_files(session):
        content = session.scalar(select(ModelFile.content).where(ModelFile.id == file.id))
        if DECISION_ID in DecisionService.from_xml(content.encode("utf-8"), file.name).model.decisions:
            return content
    return None


def build(session: Session, today: date) -> dict:
    """The navi's part; empty while no selection DMN is deployed (the public side then says the navi is not open)."""
    dmn = _selection_dmn(session)
    if dmn is None:
        return {}
    catalogue = live_catalogue(session)
    groups = _groups({p.id: p.name for p in catalogue if p.id.startswith("KS")})
    version, schema = current_version()
    procedures = [{"id": p.id, "name": p.name, "counters": dict(p.counters), "items_to_bring": list(p.items_to_bring),
                   "explanation": p.explanation, "url": p.url, "deadline": p.deadline}
                  for p in catalogue.effective_on(today)]
    wards = [{"code": w.code, "name": w.name, "office": w.office, "corner_location": w.corner_location,
              "corner_floor": w.corner_floor} for w in load_wards().values()]
    return {"interview_version": version, "schema": schema, "groups": groups, "members_band": 2,
            "decision_id": DECISION_ID, "dmn": dmn, "procedures": procedures, "wards": wards}
