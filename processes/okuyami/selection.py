"""From the selection DMN's rows to the family's procedure list: one entry per procedure, with its reason."""
from __future__ import annotations

from typing import Callable, Iterable

from processes.okuyami.interview import decision_inputs, validate_answers

DECISION_ID = "procedure_selection"
SELECTION_FILE = "procedure_selection.dmn"
"""The file the repository deploys it in (the process owner's editor opens it by this name)."""
SELECTED, TO_CONFIRM = "該当", "要確認"

Evaluate = Callable[[str, dict], object]
"""(decision id, inputs) -> the decision's result, as the DMN layer returns it."""


def decision_rows(result) -> list[dict]:
    """The COLLECT result as rows of {procedure, selection, reason}, whichever shape the engine returned it in
    (a list of rows, or a dict of parallel lists)."""
    if isinstance(result, dict):
        if isinstance(result.get("procedure"), list):
            keys = [k for k in ("procedure", "selection", "reason") if isinstance(result.get(k), list)]
            return [dict(zip(keys, values)) for values in zip(*(result[k] for k in keys))]
        return [result] if "procedure" in result else []
    return [row for row in (result or []) if isinstance(row, dict) and "procedure" in row]


def merge_rows(rows: Iterable[dict], catalogue) -> list[dict]:
    """One entry per procedure in catalogue order. A procedure selected by any definite rule needs no
    confirmation; one selected only by "unknown" answers is 要確認 (an unknown answer never drops it)."""
    reasons: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        kinds = reasons.setdefault(row["procedure"], {SELECTED: [], TO_CONFIRM: []})
        kinds[row.get("selection") or SELECTED].append(row.get("reason") or "")
    selected = []
    for procedure in catalogue.procedures.values():
        kinds = reasons.get(procedure.id)
        if kinds is None:
            continue
        definite = bool(kinds[SELECTED])
        texts = kinds[SELECTED] if definite else kinds[TO_CONFIRM]
        selected.append({"id": procedure.id, "name": procedure.name, "department": procedure.department,
                         "needs_confirmation": not definite, "reason": "／".join(dict.fromkeys(t for t in texts if t))})
    unknown = set(reasons) - set(catalogue.procedures)
    if unknown:
        raise ValueError(f"selection DMN names procedures missing from the catalogue: {sorted(unknown)}")
    return selected


def select_procedures(answers: dict, evaluate: Evaluate, catalogue) -> list[dict]:
    """Validate the answers (InvalidAnswers names every bad key), run the DMN, return the procedure list."""
    inputs = decision_inputs(validate_answers(answers))
    return merge_rows(decision_rows(evaluate(DECISION_ID, {"interview": inputs})), catalogue)
