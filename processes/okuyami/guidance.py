"""The family's guidance sheet (ご案内票): what to do where, and what to bring, and a counter page with what the
departments wrote for the corner. A plain content model built from the case's procedures, its pre-check results
and the procedure catalogue, shared by the printable page and the PDF print packet."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from processes.calendar import JST
from processes.okuyami.catalogue import Catalogue, load_catalogue
from processes.okuyami.handovers import DepartmentHandover, handovers_from_results
from processes.wards import load_wards

DROPPED = "dropped"
OUTCOME_NOTES = {"corner": "おくやみコーナーで手続済み", "guided": "担当窓口で手続してください",
                 "mailed": "後日、担当課から郵送でご案内します", "not_needed": "手続は不要でした"}


@dataclass(frozen=True)
class GuidanceEntry:
    id: str
    name: str
    department: str
    counter: str
    handling: str
    explanation: str
    deadline: str
    url: str
    items_to_bring: tuple[str, ...]
    outcome: str | None = None
    """The visit's outcome once the visit is recorded (corner / guided / mailed / not_needed)."""
    note: str = ""
    needs_confirmation: bool = False

    @property
    def outcome_note(self) -> str:
        return OUTCOME_NOTES.get(self.outcome or "", "")

    @property
    def still_to_do(self) -> bool:
        return self.outcome in (None, "guided")


@dataclass(frozen=True)
class GuidanceSheet:
    case_id: int
    ward_name: str
    office: str
    office_address: str
    visit_start: datetime | None
    applicant_name: str
    deceased_name: str
    entries: tuple[GuidanceEntry, ...]
    items_to_bring: tuple[str, ...] = field(default=())
    """Every item to bring, once, for the procedures still to do."""
    issued_on: date | None = None
    handovers: tuple[DepartmentHandover, ...] = field(default=())
    """What each department wrote for the corner that the counter should read (its note, dropped procedures with
    the reason, added ones): printed on the sheet's counter page, which the clerk keeps."""


def guidance_sheet(case_id: int, data: dict, catalogue: Catalogue | None = None,
                   issued_on: date | None = None) -> GuidanceSheet:
    """The sheet for a case's data (as the process holds it): every procedure the pre-check did not drop, in
    catalogue order, with its counter in the case's ward and the visit's outcome when there is one."""
    catalogue = catalogue or load_catalogue()
    ward_code = data.get("ward")
    ward = load_wards().get(ward_code)
    outcomes = {o.get("id"): o for o in data.get("outcomes") or []}
    entries = []
    for selected in data.get("procedures") or []:
        if selected.get("status") == DROPPED:
            continue
        procedure = catalogue.get(selected.get("id"))
        if procedure is None:
            continue
        outcome = outcomes.get(procedure.id, {})
        entries.append(GuidanceEntry(
            procedure.id, procedure.name, procedure.department_name,
            procedure.counters.get(ward_code, "") if ward_code else "", procedure.handling_label,
            procedure.explanation, procedure.deadline, procedure.url, tuple(procedure.items_to_bring),
            outcome.get("outcome"), outcome.get("note", ""), bool(selected.get("needs_confirmation"))))
    items = []
    for entry in entries:
        if entry.still_to_do:
            items += [item for item in entry.items_to_bring if item not in items]
    slot = data.get("slot_start")
    return GuidanceSheet(
        case_id, ward.name if ward else "", ward.office if ward else "", ward.address if ward else "",
        datetime.fromisoformat(slot).astimezone(JST) if isinstance(slot, str) else None,
        (data.get("applicant") or {}).get("name", ""), (data.get("deceased") or {}).get("name", ""),
        tuple(entries), tuple(items), issued_on,
        tuple(h for h in handovers_from_results(data.get("precheck_results"), catalogue) if h.has_news))
