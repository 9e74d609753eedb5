"""Which department (所管課) a question goes to: dmn/inquiry_routing.dmn, the table the process owner edits
(category → department). The call screen shows its suggestion; the inquiry process evaluates the deployed
version itself; the operator may override both."""
from __future__ import annotations

from functools import lru_cache

from engine.dmn.service import DecisionService
from engine.settings import PROJECT_ROOT

ROUTING_FILE = PROJECT_ROOT / "dmn" / "inquiry_routing.dmn"
ROUTING_DECISION = "inquiry_routing"
DEADLINE_DECISION = "callback_deadline"


@lru_cache(maxsize=1)
def _table() -> DecisionService:
    return DecisionService.from_file(ROUTING_FILE)


def routed_department(category: str) -> str:
    outputs = _table().evaluate(ROUTING_DECISION, {"category": category})
    return str(outputs["routing.department"])


def callback_rules(channel: str) -> dict:
    outputs = _table().evaluate(DEADLINE_DECISION, {"channel": channel})
    return {key.split(".", 1)[-1]: int(value) for key, value in outputs.items()}
