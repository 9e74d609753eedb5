"""What a case's print packet is made of: the guidance sheet and the forms its procedures name, the template
versions to fill, the case's data, and one hash over all of it (a different hash means the packet is stale)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from engine.documents.rendering import render_docx
from engine.errors import NotFound
from engine.runtime import WorkflowRuntime
from processes.calendar.calendar import today_jst
from processes.documents.fields import form_context
from processes.documents.models import CasePacket
from processes.documents.templates import GUIDANCE, Template, pinned_template
from processes.okuyami.cases import CASE_PROCESS
from processes.okuyami.catalogue import Catalogue, load_catalogue
from processes.okuyami.guidance import DROPPED, guidance_sheet

HASHED_KEYS = ("ward", "slot_start", "deceased", "applicant", "relationship", "representative_heir", "funeral_host",
               "refund_account", "new_householder", "date_of_death", "death_registered_on",
               "death_registered_municipality", "procedures", "outcomes", "precheck_results")
"""The case data the documents print (directly or through the guidance sheet)."""


def forms_for(data: dict, catalogue: Catalogue) -> list[str]:
    """The forms of every procedure the pre-check did not drop that fit the family's answers (the catalogue's
    form_conditions, e.g. the 葬祭費 form of their health insurance), in catalogue order, each once."""
    forms: list[str] = []
    answers = data.get("answers") or {}
    for entry in data.get("procedures") or []:
        procedure = catalogue.get(entry.get("id"))
        if procedure is None or entry.get("status") == DROPPED:
            continue
        forms += [form for form in procedure.forms_for(answers) if form not in forms]
    return forms


@dataclass(frozen=True)
class PacketContent:
    case_id: int
    data: dict
    ward: str | None
    templates: tuple[Template, ...]
    """The guidance sheet first, then every form."""
    catalogue: Catalogue
    content_hash: str

    @property
    def form_names(self) -> list[str]:
        return [t.name for t in self.templates]

    @property
    def pins(self) -> dict[str, str]:
        return {t.name: t.content_hash for t in self.templates}

    def render(self, printed_on: date | None = None, survey: dict | None = None) -> list[tuple[str, bytes]]:
        """(template name, filled .docx) for every document, in packet order; `survey` (address and QR PNG of a
        token issued for this packet) goes on the guidance sheet."""
        return list(self.iter_render(printed_on, survey))

    def iter_render(self, printed_on: date | None = None, survey: dict | None = None) -> Iterator[tuple[str, bytes]]:
        sheet = guidance_sheet(self.case_id, self.data, self.catalogue)
        context = form_context(self.data, sheet, printed_on or today_jst(), survey)
        for template in self.templates:
            yield template.name, render_docx(template.content, context)


def case_data(session: Session, runtime: WorkflowRuntime, case_id: int) -> dict:
    """The case's data, or NotFound when the id is not a case."""
    summary = runtime.get_instance(case_id, session=session)
    if summary.process_id != CASE_PROCESS:
        raise NotFound(f"instance {case_id} is not a case", user_message="指定された案件は見つかりません。")
    return runtime.instance_data(case_id, session=session)


def packet_content(session: Session, runtime: WorkflowRuntime, case_id: int, data: dict | None = None) -> PacketContent:
    data = data if data is not None else case_data(session, runtime, case_id)
    catalogue = load_catalogue()
    row = session.get(CasePacket, case_id)
    pins = dict(row.template_pins) if row is not None else {}
    names = [GUIDANCE, *forms_for(data, catalogue)]
    templates = tuple(pinned_template(session, name, pins.get(name)) for name in names)
    hashed = {"data": {k: data.get(k) for k in HASHED_KEYS}, "templates": [[t.name, t.content_hash] for t in templates],
              "catalogue": catalogue.content_hash}
    canonical = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return PacketContent(case_id, data, data.get("ward"), templates, catalogue,
                         hashlib.sha256(canonical.encode("utf-8")).hexdigest())
