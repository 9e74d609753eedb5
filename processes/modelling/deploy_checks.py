"""The registry's deploy hook: whatever deploys the selection DMN (the editors, the API, `okuyami models deploy`,
the demo) runs the saved example interviews first, and a failing one refuses the whole deploy."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.registry import ModelSource, Problem
from engine.registry.xml import UnsafeOrInvalidXml, parse_model_xml
from processes.okuyami.selection import DECISION_ID


def _defines_selection(source: ModelSource) -> bool:
    if source.kind != "dmn":
        return False
    try:
        root = parse_model_xml(source.content)
    except UnsafeOrInvalidXml:
        return False
    return any(e.get("id") == DECISION_ID for e in root.iter("{*}decision"))


def saved_examples_check(session: Session, changed: list[ModelSource]) -> list[Problem]:
    # the service imports the registry package; import it when called
    from processes.modelling.service import check_examples

    for source in changed:
        if _defines_selection(source):
            run = check_examples(session, dmn_content=source.content)
            return [Problem(source.name, None, f.message, "example") for f in run.failures]
    return []
