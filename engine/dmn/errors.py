"""What the DMN layer raises. `str(exc)` is English (for logs); `user_message` is Japanese (for process owners)."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import OkuyamiError, ScriptError


class FeelSyntaxError(OkuyamiError):
    """A FEEL expression or unary test that does not compile. `position` is a 0-based offset in the text."""

    def __init__(self, message: str, user_message: str, position: int | None = None):
        super().__init__(message, user_message=user_message)
        self.position = position


@dataclass(frozen=True)
class DmnProblem:
    """One reason a DMN file cannot be used, found while compiling it."""

    element: str | None
    """the id of the rule, input, decision or table concerned"""
    message: str
    """Japanese, for the process owner"""
    code: str = "dmn"
    """dmn_cell (a rule's input or output entry), dmn_expression, hit_policy, dmn (structure)"""
    row: int | None = None


class DmnCompileError(OkuyamiError):
    user_message = "DMN ファイルに問題があるため、判定を使えません。"

    def __init__(self, file: str, problems: list[DmnProblem]):
        self.file = file
        self.problems = list(problems)
        super().__init__(f"{file}: {len(self.problems)} problem(s) in the DMN model: "
                         + "; ".join(f"[{p.element}] {p.code}" for p in self.problems[:5]),
                         user_message="DMN ファイルに問題があるため、判定を使えません: "
                                      + " / ".join(p.message for p in self.problems[:3]))


class DecisionError(ScriptError):
    """A decision could not be evaluated: a hit policy violated, a cell failing, an unknown decision."""

    user_message = "判定表の評価に失敗しました。プロセス管理者に連絡してください。"


class HitPolicyViolation(DecisionError):
    """UNIQUE with several matching rules, or ANY with matching rules that disagree."""

    def __init__(self, message: str, *, user_message: str, rule_ids: tuple[str, ...]):
        super().__init__(message, user_message=user_message)
        self.rule_ids = rule_ids
