"""The procedure navi: the same selection as the staff interview, for the public (no login, no personal data).

It reads the selection DMN from the models folder (the public side has no database), so a family's answers
from home select exactly what the staff interview would; the answers can be carried into the booking as-is.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from engine.dmn import DecisionService

from processes.okuyami.catalogue import load_catalogue
from processes.okuyami.selection import select_procedures

SELECTION_FILE = "procedure_selection.dmn"
_lock = threading.Lock()
_services: dict[str, DecisionService] = {}


def _decision_service(dmn_dir: Path) -> DecisionService:
    content = (dmn_dir / SELECTION_FILE).read_bytes()
    key = hashlib.sha256(content).hexdigest()
    with _lock:
        service = _services.get(key)
        if service is None:
            service = _services[key] = DecisionService.from_xml(content)
    return service


def evaluate_answers(answers, dmn_dir: Path) -> list[dict]:
    """The procedures these answers select (InvalidAnswers names every bad key)."""
    service = _decision_service(dmn_dir)
    return select_procedures(answers, service.evaluate, load_catalogue())
