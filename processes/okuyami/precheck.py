"""A department's pre-check (事前確認): the rows its screen shows (one per assigned procedure, and the department's
other catalogue procedures it may add), the decisions read from that screen, the rules the result must satisfy
when it is completed (beyond its form's JSON Schema), and what a completed pre-check decided."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from processes.okuyami.catalogue import load_catalogue
from processes.tasks.validation import FieldError

PRECHECK_FORM = "precheck.json"
FIELD = "precheck_result.decisions"
CONFIRM, DROP, ADD = "confirm", "drop", "add"
GetList = Callable[[str], list[str]]


@dataclass(frozen=True)
class PrecheckRow:
    id: str
    name: str
    reason: str
    """Why the interview selected it."""
    needs_confirmation: bool


def assigned_rows(assignment: dict) -> list[PrecheckRow]:
    return [PrecheckRow(p["id"], p.get("name") or p["id"], p.get("reason") or "", bool(p.get("needs_confirmation")))
            for p in assignment.get("procedures") or []]


def addable_procedures(assignment: dict, catalogue=None) -> list[tuple[str, str]]:
    """(id, name) of this department's catalogue procedures that the interview did not select, in catalogue order."""
    catalogue = catalogue or load_catalogue()
    assigned = {p["id"] for p in assignment.get("procedures") or []}
    return [(p.id, p.name) for p in catalogue if p.department == assignment.get("department") and p.id not in assigned]


def decisions_from_form(assignment: dict, form: Mapping[str, str], getlist: GetList) -> dict:
    """The pre-check screen's fields as the form's `precheck_result`: `decision.<ID>` (confirm / drop) and
    `reason.<ID>` per assigned procedure, `add` (the ids ticked to add) with `add_reason.<ID>`, the note, the
    documents prepared and the follow-up asked for. A reason is kept only for a dropped or added procedure."""
    decisions = []
    for row in assigned_rows(assignment):
        action = (form.get(f"decision.{row.id}") or "").strip()
        if action not in (CONFIRM, DROP):
            continue
        decision = {"id": row.id, "action": action}
        reason = (form.get(f"reason.{row.id}") or "").strip()
        if action == DROP and reason:
            decision["reason"] = reason
        decisions.append(decision)
    for procedure_id in dict.fromkeys(getlist("add")):
        decision = {"id": procedure_id, "action": ADD}
        reason = (form.get(f"add_reason.{procedure_id}") or "").strip()
        if reason:
            decision["reason"] = reason
        decisions.append(decision)
    result: dict = {"department": assignment.get("department"), "decisions": decisions,
                    "documents_prepared": form.get("documents_prepared") == "yes",
                    "followup_requested": form.get("followup_requested") == "yes"}
    note = (form.get("note") or "").strip()
    if note:
        result["note"] = note
    return result


def precheck_errors(assignment: dict, result: dict) -> list[FieldError]:
    """Every 要確認 procedure of the department is confirmed or dropped; a drop gives its reason; an addition is
    one of this department's procedures from the catalogue. Each message names its procedure."""
    department = assignment.get("department")
    assigned = {p["id"]: p for p in assignment.get("procedures", [])}
    decisions = (result or {}).get("decisions") or []
    decided = {d.get("id") for d in decisions if d.get("action") in (CONFIRM, DROP)}
    errors = [FieldError(FIELD, f"{p['id']}（{p['name']}）は要確認です。必要か不要かを確認してください。")
              for p in assigned.values() if p.get("needs_confirmation") and p["id"] not in decided]
    catalogue = load_catalogue()
    for index, decision in enumerate(decisions):
        field, procedure_id, action = f"{FIELD}.{index}", decision.get("id"), decision.get("action")
        procedure = catalogue.get(procedure_id) if isinstance(procedure_id, str) else None
        label = f"{procedure_id}（{procedure.name}）" if procedure else f"{procedure_id}"
        if action in (CONFIRM, DROP) and procedure_id not in assigned:
            errors.append(FieldError(f"{field}.id", f"{label} はこの課の確認対象ではありません。"))
        if action == DROP and not (decision.get("reason") or "").strip():
            errors.append(FieldError(f"{field}.reason", f"{label}：不要とする理由を入力してください。"))
        if action == ADD and (procedure is None or procedure.department != department):
            errors.append(FieldError(f"{field}.id", f"{label} はこの課で追加できる手続ではありません。"))
        if action == ADD and procedure_id in assigned:
            errors.append(FieldError(f"{field}.id", f"{label} はすでに確認対象の手続です。"))
    return errors


def decided(task_data: dict, case_data: dict, department: str) -> dict | None:
    """What the department's completed pre-check decided: its `precheck_result` as the completed task holds it,
    else as the case collected it once every department was done; None when neither is known."""
    if isinstance(task_data.get("precheck_result"), dict):
        return task_data["precheck_result"]
    for result in case_data.get("precheck_results") or []:
        if isinstance(result, dict) and result.get("department") == department:
            return result
    return None
