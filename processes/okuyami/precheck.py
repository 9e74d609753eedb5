"""The rules a department's pre-check must satisfy when it is completed (beyond its form's JSON Schema)."""
from __future__ import annotations

from processes.tasks.validation import FieldError

from processes.okuyami.catalogue import load_catalogue

PRECHECK_FORM = "precheck.json"
FIELD = "precheck_result.decisions"


def precheck_errors(assignment: dict, result: dict) -> list[FieldError]:
    """Every 要確認 procedure of the department is confirmed or dropped; a drop gives its reason; an addition is
    one of this department's procedures from the catalogue."""
    department = assignment.get("department")
    assigned = {p["id"]: p for p in assignment.get("procedures", [])}
    decisions = (result or {}).get("decisions") or []
    decided = {d.get("id") for d in decisions if d.get("action") in ("confirm", "drop")}
    errors = [FieldError(FIELD, f"{p['id']}（{p['name']}）は要確認です。必要か不要かを確認してください。")
              for p in assigned.values() if p.get("needs_confirmation") and p["id"] not in decided]
    catalogue = load_catalogue()
    for index, decision in enumerate(decisions):
        field, procedure_id, action = f"{FIELD}.{index}", decision.get("id"), decision.get("action")
        if action in ("confirm", "drop") and procedure_id not in assigned:
            errors.append(FieldError(f"{field}.id", f"{procedure_id} はこの課の確認対象ではありません。"))
        if action == "drop" and not (decision.get("reason") or "").strip():
            errors.append(FieldError(f"{field}.reason", "不要とする理由を入力してください。"))
        if action == "add":
            procedure = catalogue.get(procedure_id)
            if procedure is None or procedure.department != department:
                errors.append(FieldError(f"{field}.id", f"{procedure_id} はこの課で追加できる手続ではありません。"))
    return errors
