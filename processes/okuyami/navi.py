"""The procedure navi: the same selection as the staff interview, evaluated on the *deployed* selection table and
catalogue, so that a family's answers select exactly what the booking screen and a new case would, and a process
owner's deploy changes all of them at once. The answers can be carried into the booking as-is."""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.registry.live import live_decision
from processes.okuyami.catalogue_store import live_catalogue
from processes.okuyami.selection import select_procedures


def evaluate_answers(session: Session, answers) -> list[dict]:
    """The procedures these answers select (InvalidAnswers names every bad key; DecisionNotDeployed when the
    selection table was never deployed to this database)."""
    def evaluate(decision_id: str, inputs: dict):
        return live_decision(session, decision_id).evaluate(decision_id, inputs)

    return select_procedures(answers, evaluate, live_catalogue(session))
