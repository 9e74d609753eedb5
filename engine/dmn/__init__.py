"""Our DMN engine: DMN 1.1-1.5 decision tables and literal expressions, FEEL compiled once to closures, every
DMN 1.3 hit policy, required decisions, and SpiffWorkflow business rule tasks that run on it.

    from engine.dmn import DecisionService
    DecisionService.from_xml(content).evaluate("decision_id", {"age": 70})

See engine/dmn/bpmn.py for the BPMN side (the parser subclass and the business rule task).
"""
from .errors import DecisionError, DmnCompileError, DmnProblem, FeelSyntaxError, HitPolicyViolation
from .model import HIT_POLICIES
from .service import DecisionInfo, DecisionService, compiled_model

__all__ = [
    "HIT_POLICIES", "DecisionError", "DecisionInfo", "DecisionService", "DmnCompileError", "DmnProblem",
    "FeelSyntaxError", "HitPolicyViolation", "compiled_model",
]
