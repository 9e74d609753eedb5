"""DMN 1.1-1.5 XML to a compiled model. Every cell is compiled here, once; every problem is collected (with the
rule's id and row) instead of stopping at the first, so a process owner sees them all at once."""
from __future__ import annotations

import hashlib
from typing import Callable

from lxml import etree

from .errors import DecisionError, DmnProblem, FeelSyntaxError
from .evaluate import bind_functions, plan_requirements
from .feel import Expression, FunctionSlot, compile_expression, compile_unary_tests
from .model import (
    AGGREGATIONS,
    HIT_POLICIES,
    Decision,
    DecisionTable,
    DmnModel,
    InputClause,
    KnowledgeModel,
    LiteralExpression,
    OutputClause,
    Rule,
)


def parse_dmn(content: bytes, file: str = "<dmn>", root: etree._Element | None = None) -> DmnModel:
    """Compile a DMN file. `root` is the already parsed document, if the caller has it (the registry does)."""
    model = DmnModel(file=file, content_hash=hashlib.sha256(content).hexdigest(), source=content)
    if root is None:
        # engine.registry imports this package (parsing, checks): import its hardened parser at call time so
        # that neither package needs the other half-imported.
        from ..registry.xml import DMN_NAMESPACES, UnsafeOrInvalidXml, parse_model_xml
        try:
            root = parse_model_xml(content)
        except UnsafeOrInvalidXml as exc:
            model.problems.append(DmnProblem(None, f"XML として読み込めません: {exc}", "xml"))
            return model
        if etree.QName(root).namespace not in DMN_NAMESPACES:
            model.problems.append(DmnProblem(None, "DMN ファイルではありません（ルート要素の名前空間を確認してください）", "dmn"))
            return model
    _Compiler(model, root).run()
    return model


def _local(element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [c for c in element if _local(c) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element, path: str) -> str | None:
    """The text of the first descendant along `a/b` (local names)."""
    node = element
    for part in path.split("/"):
        node = _child(node, part) if node is not None else None
    return node.text if node is not None else None


def _href_id(href: str | None) -> str | None:
    return href.rpartition("#")[2] if href else None


class _Compiler:
    def __init__(self, model: DmnModel, root):
        self.model = model
        self.root = root
        self.names: tuple[str, ...] = ()
        self.calls: set[str] | None = None
        """while a knowledge model compiles: the knowledge models it calls"""
        self.call_graph: dict[str, set[str]] = {}

    def problem(self, element: str | None, message: str, code: str = "dmn", row: int | None = None) -> None:
        self.model.problems.append(DmnProblem(element, message, code, row))

    def expression(self, text: str | None, where: Callable[[str], str], element: str | None, code: str,
                   row: int | None = None) -> Expression | None:
        try:
            return compile_expression(text or "", self.names, self.model.functions, self.calls)
        except FeelSyntaxError as exc:
            self.problem(element, where(exc.user_message), code, row)
            return None

    def run(self) -> None:
        m = self.model
        decision_nodes = _children(self.root, "decision")
        bkm_nodes = _children(self.root, "businessKnowledgeModel")
        for node in _children(self.root, "inputData"):
            m.input_data[node.get("id")] = node.get("name") or _variable(node) or node.get("id")
        for node in bkm_nodes:
            logic = _child(node, "encapsulatedLogic")
            params = tuple(p.get("name") for p in _children(logic, "formalParameter")) if logic is not None else ()
            m.functions[_variable(node) or node.get("name") or node.get("id")] = FunctionSlot(params)
        self.names = tuple(m.input_data.values()) + tuple(
            _variable(n) or n.get("name") or "" for n in decision_nodes) + tuple(m.functions)
        if not decision_nodes:
            self.problem(None, "判定（decision）が 1 つもありません")
        for node in bkm_nodes:
            self.knowledge_model(node)
        self.refuse_recursion()
        for node in decision_nodes:
            self.decision(node)
        plan_requirements(m)
        bind_functions(m)

    def knowledge_model(self, node) -> None:
        name = _variable(node) or node.get("name") or node.get("id")
        logic_node = _child(node, "encapsulatedLogic")
        slot = self.model.functions[name]
        saved = self.names
        self.names, self.calls = saved + slot.parameters, set()
        logic = self.logic(logic_node, node.get("id"), name, name) if logic_node is not None else None
        self.names, self.call_graph[name], self.calls = saved, self.calls, None
        if logic is None and logic_node is None:
            self.problem(node.get("id"), f"ビジネス知識モデル「{name}」に中身（encapsulatedLogic）がありません")
        self.model.knowledge_models[node.get("id")] = KnowledgeModel(node.get("id"), name, slot.parameters, logic)

    def refuse_recursion(self) -> None:
        """A knowledge model may not call itself, directly or not: FEEL has no loops otherwise, so every
        evaluation ends quickly (a recursive function could run for ever, and nothing here needs one)."""
        ids = {bkm.name: bkm.id for bkm in self.model.knowledge_models.values()}

        def reaches(start: str, target: str, seen: set) -> bool:
            for callee in self.call_graph.get(start, ()):
                if callee == target or (callee not in seen and reaches(callee, target, seen | {callee})):
                    return True
            return False

        for name in self.call_graph:
            if reaches(name, name, {name}):
                self.problem(ids.get(name), f"ビジネス知識モデル「{name}」が自分自身を呼び出しています（再帰は使えません）")

    def decision(self, node) -> None:
        decision_id = node.get("id")
        if not decision_id:
            self.problem(None, f"判定「{node.get('name') or ''}」に id がありません")
            return
        if decision_id in self.model.decisions:
            self.problem(decision_id, f"判定の id「{decision_id}」が重複しています")
            return
        name = node.get("name") or decision_id
        required = tuple(_href_id(r.get("href")) for ir in _children(node, "informationRequirement")
                         for r in _children(ir, "requiredDecision"))
        variable = _variable(node) or name
        logic = self.logic(node, decision_id, name, variable)
        self.model.decisions[decision_id] = Decision(decision_id, name, variable, logic, required)

    def logic(self, container, owner_id: str, owner_name: str, variable: str):
        table = _child(container, "decisionTable")
        if table is not None:
            return self.table(table, owner_id, owner_name, variable)
        literal = _child(container, "literalExpression")
        if literal is not None:
            expression = self.expression(
                _text(literal, "text"), lambda ja: f"「{owner_name}」の式を解釈できません: {ja}", owner_id,
                "dmn_expression")
            return LiteralExpression(literal.get("id"), expression) if expression else None
        kinds = sorted({_local(c) for c in container} - {"variable", "informationRequirement", "knowledgeRequirement",
                                                          "authorityRequirement", "description", "extensionElements",
                                                          "question", "allowedAnswers", "formalParameter"})
        self.problem(owner_id, f"「{owner_name}」の中身（{'、'.join(kinds) or 'なし'}）には対応していません。"
                               "判定表（decisionTable）か式（literalExpression）で書いてください")
        return None

    # decision tables --------------------------------------------------------------------------------------
    def table(self, node, owner_id: str, owner_name: str, variable: str) -> DecisionTable:
        table_id = node.get("id") or owner_id
        policy = (node.get("hitPolicy") or "UNIQUE").strip().upper()
        aggregation = (node.get("aggregation") or "").strip().upper() or None
        shown = policy + (f" {aggregation}" if aggregation else "")
        if shown not in HIT_POLICIES:
            self.problem(table_id, f"ヒットポリシー「{shown}」には対応していません。使えるもの: {'、'.join(sorted(HIT_POLICIES))}",
                         "hit_policy")
        inputs = tuple(self.input_clause(n, owner_name) for n in _children(node, "input"))
        output_nodes = _children(node, "output")
        outputs = tuple(self.output_clause(n, owner_name, variable if len(output_nodes) == 1 else None)
                        for n in output_nodes)
        if not outputs:
            self.problem(table_id, f"判定表「{owner_name}」に出力列がありません")
        if aggregation and aggregation in AGGREGATIONS and len(outputs) > 1:
            self.problem(table_id, f"判定表「{owner_name}」: 集計（{aggregation}）は出力列が 1 つの表でしか使えません")
        if policy in ("PRIORITY", "OUTPUT ORDER") and not any(o.priorities for o in outputs):
            self.problem(table_id, f"判定表「{owner_name}」: ヒットポリシー {policy} には出力値の一覧（outputValues）が必要です")
        rules = tuple(self.rule(n, row, inputs, outputs, owner_name)
                      for row, n in enumerate(_children(node, "rule"), start=1))
        return DecisionTable(table_id, policy, aggregation, inputs, outputs, rules)

    def input_clause(self, node, table_name: str) -> InputClause:
        label = node.get("label") or node.get("id") or ""
        text = _text(node, "inputExpression/text")
        expression = self.expression(text, lambda ja: f"判定表「{table_name}」の入力「{label}」の式を解釈できません: {ja}",
                                     node.get("id"), "dmn_expression")
        return InputClause(node.get("id") or "", label, expression or _broken(text, "input expression"))

    def output_clause(self, node, table_name: str, sole_name: str | None) -> OutputClause:
        """`sole_name`: the decision's variable, which names the only output of a table when it has no name."""
        name = node.get("name") or node.get("label") or sole_name or node.get("id") or ""
        priorities = None
        values_text = _text(node, "outputValues/text")
        if values_text and values_text.strip():
            listed = self.expression(f"[{values_text}]",
                                     lambda ja: f"判定表「{table_name}」の出力「{name}」の値の一覧を解釈できません: {ja}",
                                     node.get("id"), "dmn_expression")
            if listed is not None and listed.constant:
                priorities = tuple(listed.value)
        default_text = _text(node, "defaultOutputEntry/text")
        default = None
        if default_text and default_text.strip():
            default = self.expression(default_text,
                                      lambda ja: f"判定表「{table_name}」の出力「{name}」の既定値を解釈できません: {ja}",
                                      node.get("id"), "dmn_expression")
        return OutputClause(node.get("id") or "", name, node.get("label") or name, priorities, default)

    def rule(self, node, row: int, inputs, outputs, table_name: str) -> Rule:
        rule_id = node.get("id") or f"row{row}"
        entries = _children(node, "inputEntry")
        results = _children(node, "outputEntry")
        if len(entries) != len(inputs) or len(results) != len(outputs):
            self.problem(rule_id, f"判定表「{table_name}」の {row} 行目: 条件 {len(entries)} 個・出力 {len(results)} 個ですが、"
                                  f"列は入力 {len(inputs)} 個・出力 {len(outputs)} 個です", "dmn_cell", row)
        tests = []
        for index, (entry, clause) in enumerate(zip(entries, inputs)):
            text = _text(entry, "text")
            try:
                test = compile_unary_tests(text, self.names, self.model.functions, self.calls)
            except FeelSyntaxError as exc:
                self.problem(rule_id, f"判定表「{table_name}」の {row} 行目、入力「{clause.label}」の条件「{(text or '').strip()}」"
                                      f"を解釈できません: {exc.user_message}", "dmn_cell", row)
                test = _broken_test(text)
            if test is not None:
                tests.append((index, test))
        compiled_outputs = []
        for entry, clause in zip(results, outputs):
            text = _text(entry, "text")
            if text is None or not text.strip():
                compiled_outputs.append(compile_expression("null"))
                continue
            compiled = self.expression(
                text, lambda ja, c=clause, t=text: f"判定表「{table_name}」の {row} 行目の出力「{c.name}」の式「{t.strip()}」"
                                                   f"を解釈できません: {ja}", rule_id, "dmn_cell", row)
            compiled_outputs.append(compiled or _broken(text, "output entry"))
        constant = None
        if compiled_outputs and all(o.constant for o in compiled_outputs):
            constant = (compiled_outputs[0].value if len(outputs) == 1
                        else {c.name: o.value for c, o in zip(outputs, compiled_outputs)},)
        return Rule(rule_id, row, tuple(tests), tuple(compiled_outputs), constant)


def _variable(node) -> str | None:
    variable = _child(node, "variable")
    return variable.get("name") if variable is not None else None


def _broken(text: str | None, what: str) -> Expression:
    def fail(scope, q):
        raise DecisionError(f"{what} {text!r} did not compile", user_message="判定表に解釈できないセルがあります。")
    return Expression(text or "", fail)


def _broken_test(text: str | None):
    failing = _broken(text, "input entry")
    return lambda value, scope: failing(scope, value)
