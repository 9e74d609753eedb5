"""Example interviews: answers and the procedures they must (or must not) select, run on every deploy of the
selection DMN or the catalogue. A failing example explains itself: which rule selected an unexpected
procedure and on which answers, or which answer kept each rule of a missing procedure from matching."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.types import utcnow
from engine.dmn import DecisionService, DmnCompileError
from engine.dmn.hit_policies import rule_output
from engine.dmn.model import DecisionTable
from engine.errors import InvalidTaskData, OkuyamiError
from engine.runtime import audit
from processes.modelling.models import ExampleInterview
from processes.okuyami.interview import InvalidAnswers, decision_inputs, validate_answers
from processes.okuyami.procedure_ids import PROCEDURE_ID_SET
from processes.okuyami.selection import DECISION_ID, select_procedures

MAX_TITLE = 200


class InvalidExample(InvalidTaskData):
    """An example that cannot be saved; `errors` maps a field to its Japanese message."""

    user_message = "例の内容を確認してください。"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("invalid example interview: " + ", ".join(sorted(errors)))


@dataclass(frozen=True)
class ExampleFailure:
    example_id: int | None
    title: str
    reasons: tuple[str, ...]
    """Japanese sentences: each expectation that failed and which answer led where."""

    def as_dict(self) -> dict:
        return {"example_id": self.example_id, "title": self.title, "reasons": list(self.reasons)}

    @property
    def message(self) -> str:
        return f"例「{self.title}」が通りません: " + " ".join(self.reasons)


@dataclass
class ExampleRun:
    total: int = 0
    failures: list[ExampleFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


# -- storing ------------------------------------------------------------------------------------------------
def _procedure_list(value, field_name: str, errors: dict[str, str]) -> list[str]:
    if isinstance(value, str):
        value = [p for p in value.replace("、", ",").replace(" ", ",").split(",")]
    items = [str(p).strip().upper() for p in (value or []) if str(p).strip()]
    unknown = [p for p in items if p not in PROCEDURE_ID_SET]
    if unknown:
        errors[field_name] = f"手続IDが正しくありません: {'、'.join(unknown)}"
    return list(dict.fromkeys(items))


def check_example(title: str, answers, must_include, must_exclude) -> tuple[str, dict, list[str], list[str]]:
    """The example normalised, or InvalidExample naming every bad field (in Japanese)."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "例の名前を入力してください。"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"例の名前は{MAX_TITLE}文字以内にしてください。"
    try:
        answers = validate_answers(answers)
    except InvalidAnswers as exc:
        errors["answers"] = "回答に誤りがあります: " + " ".join(f"{e.key}: {e.message}" for e in exc.errors)
    include = _procedure_list(must_include, "must_include", errors)
    exclude = _procedure_list(must_exclude, "must_exclude", errors)
    both = sorted(set(include) & set(exclude))
    if both:
        errors["must_exclude"] = f"同じ手続を「含む」と「含まない」の両方に指定しています: {'、'.join(both)}"
    if not include and not exclude and "must_include" not in errors:
        errors["must_include"] = "含むべき手続か含まないべき手続を、少なくとも一つ指定してください。"
    if errors:
        raise InvalidExample(errors)
    return title, answers, include, exclude


def list_examples(session: Session) -> list[ExampleInterview]:
    return list(session.scalars(select(ExampleInterview).order_by(ExampleInterview.id)))


def get_example(session: Session, example_id: int) -> ExampleInterview | None:
    return session.get(ExampleInterview, example_id)


def add_example(session: Session, actor: str, title: str, answers, must_include, must_exclude) -> ExampleInterview:
    title, answers, include, exclude = check_example(title, answers, must_include, must_exclude)
    now = utcnow()
    row = ExampleInterview(title=title, answers=answers, must_include=include, must_exclude=exclude,
                           created_by=actor, created_at=now, updated_by=actor, updated_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "model_example.added", detail={"example_id": row.id, "title": title})
    return row


def update_example(session: Session, actor: str, example: ExampleInterview, title: str, answers, must_include,
                   must_exclude) -> ExampleInterview:
    title, answers, include, exclude = check_example(title, answers, must_include, must_exclude)
    example.title, example.answers, example.must_include, example.must_exclude = title, answers, include, exclude
    example.updated_by, example.updated_at = actor, utcnow()
    session.flush()
    audit.record(session, actor, "model_example.updated", detail={"example_id": example.id, "title": title})
    return example


def delete_example(session: Session, actor: str, example: ExampleInterview) -> None:
    audit.record(session, actor, "model_example.deleted", detail={"example_id": example.id, "title": example.title})
    session.delete(example)
    session.flush()


# -- running ------------------------------------------------------------------------------------------------
def run_examples(examples: Iterable[ExampleInterview], dmn_content: bytes, catalogue) -> ExampleRun:
    """Every example against this selection DMN and this catalogue (neither needs to be deployed)."""
    examples = list(examples)
    run = ExampleRun(total=len(examples))
    try:
        service = DecisionService.from_xml(dmn_content, "procedure_selection.dmn")
    except DmnCompileError as exc:
        run.failures.append(ExampleFailure(None, "（全体）", (f"手続抽出の DMN を読み込めません: {exc.user_message}",)))
        return run
    for example in examples:
        failure = run_example(example, service, catalogue)
        if failure is not None:
            run.failures.append(failure)
    return run


def run_example(example: ExampleInterview, service: DecisionService, catalogue) -> ExampleFailure | None:
    try:
        selected = {p["id"]: p for p in select_procedures(example.answers, service.evaluate, catalogue)}
    except InvalidAnswers as exc:
        return ExampleFailure(example.id, example.title,
                              ("回答がこの版では読めません: " + " ".join(f"{e.key}: {e.message}" for e in exc.errors),))
    except ValueError as exc:  # the DMN names procedures the catalogue does not have
        return ExampleFailure(example.id, example.title, (f"DMN とカタログが一致しません（{exc}）",))
    except OkuyamiError as exc:
        return ExampleFailure(example.id, example.title, (f"判定を実行できません: {exc.user_message}",))
    missing = [p for p in example.must_include if p not in selected]
    unexpected = [p for p in example.must_exclude if p in selected]
    if not missing and not unexpected:
        return None
    tracer = _Tracer(service, decision_inputs(validate_answers(example.answers)))
    reasons = [tracer.why_missing(p, catalogue) for p in missing]
    reasons += [tracer.why_selected(p, selected[p]) for p in unexpected]
    return ExampleFailure(example.id, example.title, tuple(reasons))


class _Tracer:
    """Replays the selection table rule by rule on one interview to say which answer led where."""

    def __init__(self, service: DecisionService, inputs: dict):
        decision = service.decision(DECISION_ID)
        self.table: DecisionTable | None = decision.table
        self.scope = {"interview": inputs}
        self.values = ([clause.expression.fn(self.scope, None) for clause in self.table.inputs]
                       if self.table is not None else [])

    def _rules_for(self, procedure: str):
        for rule in self.table.rules if self.table is not None else ():
            try:
                output = rule_output(self.table, rule, self.scope)
            except Exception:  # noqa: BLE001 - an output that fails to evaluate names no procedure here
                continue
            if isinstance(output, dict) and output.get("procedure") == procedure:
                yield rule

    def _answer(self, index: int) -> str:
        clause = self.table.inputs[index]
        return f"「{clause.label or clause.id}」={self.values[index]}"

    def why_selected(self, procedure: str, entry: dict) -> str:
        matched = []
        for rule in self._rules_for(procedure):
            if all(test(self.values[i], self.scope) is True for i, test in rule.tests):
                answers = "、".join(self._answer(i) for i, _ in rule.tests) or "条件なし"
                matched.append(f"{rule.row}行目（{answers}）")
        how = "要確認として" if entry.get("needs_confirmation") else ""
        return (f"{procedure}（{entry.get('name', '')}）は含まれない想定ですが、{how}選ばれました: "
                + ("、".join(matched) or "該当する規則を特定できません") + "。")

    def why_missing(self, procedure: str, catalogue) -> str:
        name = catalogue.get(procedure).name if catalogue.get(procedure) is not None else ""
        if catalogue.get(procedure) is None:
            return f"{procedure} は含まれる想定ですが、手続カタログにありません。"
        blocked = []
        for rule in self._rules_for(procedure):
            failing = next((i for i, test in rule.tests if test(self.values[i], self.scope) is not True), None)
            if failing is not None:
                blocked.append(f"{rule.row}行目は{self._answer(failing)}のため当てはまりません")
        if not blocked:
            return f"{procedure}（{name}）は含まれる想定ですが、この手続を選ぶ規則が DMN にありません。"
        return f"{procedure}（{name}）は含まれる想定ですが、選ばれませんでした: " + "、".join(blocked) + "。"
