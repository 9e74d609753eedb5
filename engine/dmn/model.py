"""A compiled DMN model: decisions (tables or literal expressions), their requirements, knowledge models.

Everything here is built once per DMN file (see `service.compiled_model`) and is immutable afterwards, so one
compiled model serves every thread and every evaluation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import DmnProblem
from .feel import Expression, FunctionSlot

SINGLE_HIT = frozenset({"UNIQUE", "FIRST", "PRIORITY", "ANY"})
MULTIPLE_HIT = frozenset({"COLLECT", "RULE ORDER", "OUTPUT ORDER"})
AGGREGATIONS = frozenset({"SUM", "MIN", "MAX", "COUNT"})
HIT_POLICIES = frozenset(SINGLE_HIT | MULTIPLE_HIT | {f"COLLECT {a}" for a in AGGREGATIONS})
"""Every hit policy this engine evaluates, as the registry names them ("COLLECT SUM" for an aggregation)."""


@dataclass(frozen=True)
class InputClause:
    id: str
    label: str
    expression: Expression


@dataclass(frozen=True)
class OutputClause:
    id: str
    name: str
    """the output's name (the key in a compound result and in task data)"""
    label: str
    priorities: dict | None
    """output value -> rank (0 first), from outputValues, for PRIORITY and OUTPUT ORDER"""
    default: Expression | None


@dataclass(frozen=True)
class Rule:
    id: str
    row: int
    """1-based position in the table, as the process owner sees it"""
    tests: tuple[tuple[int, Callable], ...]
    """(input index, unary test) for every input entry that is not `-`"""
    outputs: tuple[Expression, ...]
    constant: tuple | None = None
    """(the rule's output,) when every output entry is a constant, computed once: most tables only list values"""


@dataclass(frozen=True)
class DecisionTable:
    id: str
    hit_policy: str
    aggregation: str | None
    inputs: tuple[InputClause, ...]
    outputs: tuple[OutputClause, ...]
    rules: tuple[Rule, ...]

    @property
    def policy_name(self) -> str:
        return self.hit_policy + (f" {self.aggregation}" if self.aggregation else "")

    @property
    def collects(self) -> bool:
        """Whether the result is a list (multiple hits, no aggregation)."""
        return self.hit_policy in MULTIPLE_HIT and not self.aggregation


@dataclass(frozen=True)
class LiteralExpression:
    id: str | None
    expression: Expression


@dataclass(frozen=True)
class Decision:
    id: str
    name: str
    variable: str
    """the name its result goes by: in other decisions' expressions, in test cases, in task data"""
    logic: DecisionTable | LiteralExpression | None
    required_decisions: tuple[str, ...] = ()
    """ids of the decisions evaluated before this one (informationRequirement/requiredDecision)"""

    @property
    def table(self) -> DecisionTable | None:
        return self.logic if isinstance(self.logic, DecisionTable) else None


@dataclass(frozen=True)
class KnowledgeModel:
    """A business knowledge model: a function of its parameters (a literal expression or a decision table)."""

    id: str
    name: str
    parameters: tuple[str, ...]
    logic: DecisionTable | LiteralExpression | None


@dataclass
class DmnModel:
    file: str
    content_hash: str
    source: bytes = field(repr=False)
    decisions: dict[str, Decision] = field(default_factory=dict)
    """by id, in document order"""
    knowledge_models: dict[str, KnowledgeModel] = field(default_factory=dict)
    functions: dict[str, FunctionSlot] = field(default_factory=dict, repr=False)
    """knowledge models callable by name from FEEL"""
    input_data: dict[str, str] = field(default_factory=dict)
    """input data id -> name"""
    problems: list[DmnProblem] = field(default_factory=list)
    plans: dict[str, tuple[Decision, ...]] = field(default_factory=dict, repr=False)
    """decision id -> the decisions to evaluate, required ones first and the decision itself last"""

    def decision(self, ref: str) -> Decision | None:
        """A decision by id, or else by name or variable name."""
        found = self.decisions.get(ref)
        if found is not None:
            return found
        return next((d for d in self.decisions.values() if ref in (d.name, d.variable)), None)

    def table_ids(self) -> dict[str, str]:
        """decision table id -> decision id"""
        return {d.table.id: d.id for d in self.decisions.values() if d.table is not None and d.table.id}
