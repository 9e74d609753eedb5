"""Several decisions per file, required-decision chains, literal expressions, knowledge models, compile problems,
and a model compiled once however often it is evaluated."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from engine.dmn import DecisionError, DecisionService, DmnCompileError
from engine.dmn import service as dmn_service
from engine.dmn.parser import parse_dmn
from tests.dmn_support import DMN13, document, literal_decision, service, table_decision

AGE_BAND = table_decision("age_band", ["age"], ["band"], [("< 18", '"child"'), ("[18..64]", '"adult"'),
                                                        (">= 65", '"senior"')], name="Age Band")
FEE = table_decision("fee", ["Age Band", "ward"], ["fee"],
                     [('"senior"', '"中原区"', "0"), ('"senior"', "-", "100"), ('"adult","child"', "-", "300")],
                     "FIRST", requires=("age_band",), name="Fee")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MESSAGE = literal_decision("message", '"Fee: " + string(Fee) + " (" + Age Band + ")"', requires=("fee", "age_band"),
                           name="Message")


def test_a_decision_evaluates_the_decisions_it_requires_first():
    chain = service(AGE_BAND, FEE, MESSAGE)

    assert chain.evaluate("fee", {"age": 70, "ward": "中原区"}) == {"fee": 0}
    assert chain.evaluate("fee", {"age": 70, "ward": "高津区"}) == {"fee": 100}
    assert chain.evaluate("message", {"age": 30}) == {"Message": "Fee: 300 (adult)"}


def test_requirements_may_be_declared_in_any_order_in_the_file():
    assert service(MESSAGE, FEE, AGE_BAND).evaluate_raw("Message", {"age": 5}) == "Fee: 300 (child)"


def test_a_required_decision_is_evaluated_once_even_when_required_twice():
    chain = service(AGE_BAND, FEE, MESSAGE)

    assert [d.id for d in chain.model.plans["message"]] == ["age_band", "fee", "message"]


def test_several_decisions_per_file_are_listed_and_each_can_be_evaluated():
    chain = service(AGE_BAND, FEE, MESSAGE)

    assert [(d.id, d.kind, d.hit_policy, d.required) for d in chain.decisions] == [
        ("age_band", "table", "UNIQUE", ()), ("fee", "table", "FIRST", ("age_band",)),
        ("message", "literal", None, ("fee", "age_band"))]
    assert chain.evaluate("Age Band", {"age": 10}) == {"band": "child"}


def test_a_knowledge_model_is_callable_from_feel():
    bkm = ('<businessKnowledgeModel id="b_pmt" name="PMT"><encapsulatedLogic>'
           '<formalParameter name="p"/><formalParameter name="r"/><formalParameter name="n"/>'
           "<literalExpression><text>(p*r/12)/(1-(1+r/12)**-n)</text></literalExpression>"
           "</encapsulatedLogic></businessKnowledgeModel>")
    payment = service(bkm, literal_decision("payment", "decimal(PMT(amount, 0.0375, 360), 2)"))

    assert payment.evaluate_raw("payment", {"amount": 600000}) == Decimal("2778.69")


def test_a_knowledge_model_called_with_the_wrong_number_of_arguments_is_refused():
    bkm = ('<businessKnowledgeModel id="b" name="double"><encapsulatedLogic><formalParameter name="x"/>'
           "<literalExpression><text>x * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>")

    with pytest.raises(DmnCompileError) as refused:
        service(bkm, literal_decision("d", "double(1, 2)"))

    assert "「double」の引数は 1 個です" in refused.value.problems[0].message


def bkm(name: str, parameter: str, body: str) -> str:
    return (f'<businessKnowledgeModel id="b_{name}" name="{name}"><encapsulatedLogic>'
            f'<formalParameter name="{parameter}"/><literalExpression><text>{body}</text></literalExpression>'
            "</encapsulatedLogic></businessKnowledgeModel>")


def test_a_knowledge_model_that_calls_itself_is_refused_so_every_evaluation_ends():
    with pytest.raises(DmnCompileError) as direct:
        service(bkm("forever", "x", "forever(x + 1)"), literal_decision("d", "forever(1)"))
    with pytest.raises(DmnCompileError) as indirect:
        service(bkm("ping", "x", "pong(x)"), bkm("pong", "x", "if x > 0 then ping(x - 1) else 0"),
                literal_decision("d", "ping(3)"))

    assert [(p.element, p.message) for p in direct.value.problems] == [
        ("b_forever", "ビジネス知識モデル「forever」が自分自身を呼び出しています（再帰は使えません）")]
    assert {p.element for p in indirect.value.problems} == {"b_ping", "b_pong"}


def test_a_cell_failing_while_evaluated_is_reported_with_the_decision_and_row():
    model = parse_dmn(document(table_decision("t", ["n"], ["out"], [("-", '"first"'), ("> 0", '"second"')],
                                              "RULE ORDER", name="Loop")))  # not from the shared cache
    table = DecisionService(model)
    second = model.decisions["t"].table.rules[1]
    object.__setattr__(second, "tests", ((0, lambda value, scope: 1 / 0),))  # a bug in a compiled cell

    with pytest.raises(DecisionError) as failed:
        table.evaluate("t", {"n": 1})

    assert failed.value.user_message == "判定「Loop」の評価に失敗しました（2 行目）。プロセス管理者に連絡してください。"
    assert "rule t_r2 (row 2)" in str(failed.value) and "ZeroDivisionError" in str(failed.value)


def test_a_circular_or_missing_requirement_is_a_compile_problem():
    with pytest.raises(DmnCompileError) as circular:
        service(literal_decision("a", "b", requires=("b",), name="A"), literal_decision("b", "a", requires=("a",), name="B"))
    with pytest.raises(DmnCompileError) as missing:
        service(literal_decision("a", "1", requires=("nowhere",), name="A"))

    assert any("循環" in p.message and "A → B → A" in p.message for p in circular.value.problems)
    assert missing.value.problems[0].message == "判定「A」が必要とする判定「nowhere」がこのファイルにありません"


def test_every_problem_of_a_file_is_reported_at_once_with_rule_and_row():
    broken = table_decision("t", ["x", "y +"], ["out"], [("== 1", "-", '"a"'), ("> 1", "-", "'b'")], "SOMETIMES")

    with pytest.raises(DmnCompileError) as refused:
        service(broken)

    found = {(p.code, p.element, p.row) for p in refused.value.problems}
    assert found == {("hit_policy", "t_table", None), ("dmn_expression", "t_in1", None),
                     ("dmn_cell", "t_r1", 1), ("dmn_cell", "t_r2", 2)}
    assert all(JAPANESE.search(p.message) for p in refused.value.problems)


def test_a_rule_with_the_wrong_number_of_cells_is_a_problem():
    one_input = table_decision("t", ["x"], ["out"], [("1", "2")])
    broken = one_input.replace("<outputEntry>", "<inputEntry><text>3</text></inputEntry><outputEntry>")

    with pytest.raises(DmnCompileError) as refused:
        service(broken)

    assert refused.value.problems[0].row == 1 and "条件 2 個" in refused.value.problems[0].message


@pytest.mark.parametrize("namespace", [
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd", "http://www.omg.org/spec/DMN/20180521/MODEL/", DMN13,
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
])
def test_dmn_11_to_15_documents_are_read(namespace):
    content = document(AGE_BAND).replace(DMN13.encode(), namespace.encode())

    assert DecisionService.from_xml(content).evaluate("age_band", {"age": 64}) == {"band": "adult"}


@pytest.mark.parametrize("content, words", [
    (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><definitions xmlns="' + DMN13.encode() + b'"/>',
     ["XML", "ENTITY"]),
    (b"<definitions", ["XML"]),
    (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', ["DMN ファイルではありません"]),
    (document(), ["判定（decision）が 1 つもありません"]),
    (document('<decision id="d" name="D"><context/></decision>'), ["context", "対応していません"]),
])
def test_what_is_not_a_usable_dmn_file_is_refused_in_japanese(content, words):
    with pytest.raises(DmnCompileError) as refused:
        DecisionService.from_xml(content)

    assert all(word in refused.value.user_message for word in words), refused.value.user_message


def test_a_model_is_compiled_once_and_never_per_evaluation(monkeypatch):
    calls = []
    real_parse = dmn_service.parse_dmn
    monkeypatch.setattr(dmn_service, "parse_dmn", lambda *a, **k: calls.append(1) or real_parse(*a, **k))
    content = document(AGE_BAND, FEE.replace("中原区", "宮前区"))

    first = DecisionService.from_xml(content)
    for age in range(100):
        first.evaluate("fee", {"age": age, "ward": "宮前区"})
    second = DecisionService.from_xml(content)

    assert len(calls) == 1
    assert second.model is first.model
