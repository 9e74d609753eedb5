"""The model library's form templates: the municipal .docx templates (repository file and uploaded versions,
with the running cases whose print packet uses each) and the JSON-Schema task forms of forms/tasks/."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import ProcessInstance
from processes.documents.models import CasePacket
from processes.documents.template_titles import template_title
from processes.documents.templates import (
    REPOSITORY_LABEL,
    TEMPLATES_DIR,
    repository_template,
    template_names,
    versions_of,
)


@dataclass(frozen=True)
class TemplateVersion:
    label: str
    uploaded_at: datetime | None
    uploaded_by: str
    comment: str
    live: bool
    running_cases: int | None
    """None for task forms: a task reads its form from the repository when it opens"""


@dataclass(frozen=True)
class FormTemplateEntry:
    name: str
    kind: str
    """docx (a municipal form, versioned) or task (a JSON-Schema task form in the repository)"""
    versions: list[TemplateVersion]
    title: str = ""
    """What people call it: the form's title (the .docx's properties) or the task form's schema title."""

    @property
    def file_name(self) -> str:
        return self.name if self.kind == "task" else f"{self.name}.docx"


def _pins_of_running_cases(session: Session) -> list[dict]:
    return [pins or {} for pins in session.scalars(
        select(CasePacket.template_pins).join(ProcessInstance, ProcessInstance.id == CasePacket.case_id)
        .where(ProcessInstance.status == "running"))]


def form_templates(session: Session, templates_dir: Path = TEMPLATES_DIR, task_forms_dir: Path | None = None
                   ) -> list[FormTemplateEntry]:
    pins = _pins_of_running_cases(session)
    using = lambda name, digest: sum(1 for p in pins if p.get(name) == digest)  # noqa: E731
    entries = []
    for name in template_names(session, templates_dir):
        rows = versions_of(session, name)  # newest first
        versions = []
        repository = repository_template(name, templates_dir)
        if repository is not None:
            versions.append(TemplateVersion(REPOSITORY_LABEL, None, "", "", not rows,
                                            using(name, repository.content_hash)))
        versions += [TemplateVersion(f"第{r.version}版", r.uploaded_at, r.uploaded_by, r.comment, r is rows[0],
                                     using(name, r.content_hash)) for r in reversed(rows)]
        entries.append(FormTemplateEntry(name, "docx", versions, template_title(session, name)))
    if task_forms_dir is not None and task_forms_dir.is_dir():
        for path in sorted(p for p in task_forms_dir.glob("*.json") if not p.name.endswith(".ui.json")):
            entries.append(FormTemplateEntry(path.name, "task", [TemplateVersion(REPOSITORY_LABEL, None, "", "", True, None)],
                                             _schema_title(path)))
    return entries


def _schema_title(path: Path) -> str:
    """A task form's title (its JSON Schema's `title`), else its file name."""
    try:
        title = json.loads(path.read_text(encoding="utf-8")).get("title")
    except (OSError, ValueError, AttributeError):
        title = None
    return title.strip() if isinstance(title, str) and title.strip() else path.name
