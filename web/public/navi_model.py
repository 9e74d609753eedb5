"""The navi as the export describes it: the interview's question groups, the live selection DMN (evaluated here
by engine/dmn, pure evaluation without a database), the catalogue's public fields and the wards' corners.

The DMN's inputs are derived from the answers as the staff side's interview.decision_inputs does (a yes/no or
choice answer is its own input, a ticked list gives each item yes/no, the household count a band); the tests
compare this side's selection with the staff side's for many answers, so the two cannot drift apart."""
from __future__ import annotations

from dataclasses import dataclass

from engine.dmn import DecisionService
from processes.public import answers_code

UNKNOWN, SELECTED = "unknown", "該当"
PREFIX, NONE = "answers.", "none"


class NaviUnavailable(LookupError):
    """The export holds no navi yet."""


@dataclass(frozen=True)
class Navi:
    version: int
    schema: list
    groups: list
    decision_id: str
    decisions: DecisionService
    procedures: list
    wards: dict
    members_band: int

    @classmethod
    def from_export(cls, data: dict) -> "Navi | None":
        if not data:
            return None
        return cls(data["interview_version"], data["schema"], data["groups"], data["decision_id"],
                   DecisionService.from_xml(data["dmn"].encode("utf-8"), "procedure_selection.dmn"),
                   data["procedures"], {w["code"]: w for w in data["wards"]}, data["members_band"])

    # ------------------------------------------------------------------------------ answers
    def answers_from(self, getlist) -> tuple[dict, list[dict]]:
        """The answers in a form post or query (as the staff form names them), and what could not be read.
        Values the interview does not offer are left out (unanswered)."""
        answers, errors = {}, []
        for question in self.schema:
            key, kind, options = question["key"], question["kind"], question["options"]
            given = [v.strip() for v in getlist(PREFIX + key) if v.strip()]
            if not given:
                continue
            if kind == "multi":
                picked = [v for v in given if v in options]
                if UNKNOWN in given:
                    answers[key] = UNKNOWN
                elif picked or NONE in given:
                    answers[key] = [item for item in options if item in picked]
            elif kind == "number":
                if UNKNOWN in given:
                    answers[key] = UNKNOWN
                elif given[0].isdigit() and int(given[0]) <= options[0]:
                    answers[key] = int(given[0])
                else:
                    errors.append({"field": key, "message": f"人数は 0 から {options[0]} までの数字で入力してください。"})
            elif given[0] in options:
                answers[key] = given[0]
        return answers, errors

    def answers_from_json(self, body) -> tuple[dict, list[dict]]:
        """`{"answers": {...}}` checked against the interview: every bad key named in Japanese."""
        answers = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(answers, dict):
            return {}, [{"field": "answers", "message": "回答を {\"answers\": {...}} の形で送ってください。"}]
        by_key = {q["key"]: q for q in self.schema}
        errors = []
        for key, value in answers.items():
            question = by_key.get(key)
            if question is None:
                errors.append({"field": f"answers.{key}", "message": "この質問はありません。"})
            elif not answers_code.fits(question, value):
                errors.append({"field": f"answers.{key}", "message": answers_code.allowed_text(question)})
        return answers, errors

    def hidden_fields(self, answers: dict, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
        """The answers as form fields (name, value), to carry them through the other screens."""
        fields = []
        for key, value in answers.items():
            if key in skip:
                continue
            if isinstance(value, list):
                fields.extend((PREFIX + key, item) for item in value or [NONE])
            else:
                fields.append((PREFIX + key, str(value)))
        return fields

    def code(self, answers: dict) -> str:
        return answers_code.encode(self.version, self.schema, answers)

    # ------------------------------------------------------------------------------ selection
    def decision_inputs(self, answers: dict) -> dict[str, str]:
        inputs = {}
        for question in self.schema:
            key, kind, value = question["key"], question["kind"], answers.get(question["key"], UNKNOWN)
            if kind == "multi":
                for item in question["options"]:
                    inputs[item] = UNKNOWN if value == UNKNOWN else ("yes" if item in value else "no")
            elif kind == "number":
                inputs["members_15plus"] = (UNKNOWN if value == UNKNOWN else
                                            "2plus" if value >= self.members_band else "under2")
            else:
                inputs[key] = value
        inputs["age_band"] = UNKNOWN
        return inputs

    def select(self, answers: dict) -> list[dict]:
        """The procedures these answers select, in catalogue order, each with why and whether it is 要確認."""
        result = self.decisions.evaluate(self.decision_id, {"interview": self.decision_inputs(answers)})
        reasons: dict[str, dict[bool, list[str]]] = {}
        for row in _rows(result):
            kinds = reasons.setdefault(row["procedure"], {True: [], False: []})
            kinds[(row.get("selection") or SELECTED) == SELECTED].append(row.get("reason") or "")
        selected = []
        for procedure in self.procedures:
            kinds = reasons.get(procedure["id"])
            if kinds is None:
                continue
            definite = bool(kinds[True])
            texts = kinds[True] if definite else kinds[False]
            selected.append({**procedure, "needs_confirmation": not definite,
                             "reason": "／".join(dict.fromkeys(t for t in texts if t))})
        return selected


def _rows(result) -> list[dict]:
    if isinstance(result, dict):
        if isinstance(result.get("procedure"), list):
            keys = [k for k in ("procedure", "selection", "reason") if isinstance(result.get(k), list)]
            return [dict(zip(keys, values)) for values in zip(*(result[k] for k in keys))]
        return [result] if "procedure" in result else []
    return [row for row in (result or []) if isinstance(row, dict) and "procedure" in row]
