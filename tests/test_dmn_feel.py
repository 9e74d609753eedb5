"""FEEL as process owners write it in dmn-js: every unary-test form, the expression subset, null (three-valued)
logic, and refusals that say in Japanese what to write instead."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.dmn import FeelSyntaxError
from engine.dmn.feel import compile_expression, compile_unary_tests
from engine.dmn.values import to_feel


def matches(cell: str, value, **scope):
    """What the input entry `cell` answers for the input `value` (True, False or None for FEEL null)."""
    test = compile_unary_tests(cell, known_names=tuple(scope))
    return True if test is None else test(to_feel(value), {k: to_feel(v) for k, v in scope.items()})


def evaluate(expression: str, **scope):
    return compile_expression(expression, known_names=tuple(scope))({k: to_feel(v) for k, v in scope.items()})


# unary tests ------------------------------------------------------------------------------------------------
UNARY_TESTS = [
    # (cell, input, answer)
    ("< 10", 9, True), ("< 10", 10, False), ("< 10", 9.5, True), ("< 10", None, None), ("< 10", "9", None),
    ("<= 10", 10, True), ("<= 10", 11, False),
    ("> 10", 11, True), ("> 10", 10, False),
    (">= 65", 65, True), (">= 65", 64, False), (">= 65", 70.0, True),
    ("= 3", 3, True), ("!= 3", 3, False), ("!= 3", 4, True),
    ("[1..5]", 1, True), ("[1..5]", 5, True), ("[1..5]", 6, False), ("[1..5]", 0.5, False),
    ("(1..5)", 1, False), ("(1..5)", 5, False), ("(1..5)", 3, True),
    ("]1..5[", 1, False), ("]1..5[", 4.99, True), ("]1..5[", 5, False),
    ("[1..5)", 5, False), ("(1..5]", 5, True), ("[1..5]", None, None),
    ('"yes"', "yes", True), ('"yes"', "no", False), ('"yes"', None, False),
    ('"yes","unknown"', "unknown", True), ('"yes","unknown"', "no", False), ('"yes", "unknown"', "yes", True),
    ("1, 2, 3", 2, True), ("1, 2, 3", 4, False), ("< 0, > 100", 101, True), ("< 0, > 100", 50, False),
    ('not("x")', "y", True), ('not("x")', "x", False), ('not("x")', None, True), ('not("a","b")', "b", False),
    ("not(< 10)", 10, True), ("not(< 10)", 9, False), ("not(< 10)", None, None),
    ("not([1..5])", 7, True),
    ("-", "anything", True), ("-", None, True), ("", 3, True),
    ("true", True, True), ("true", False, False), ("true", 1, False), ("false", False, True), ("false", None, False),
    ("1", True, False), ("0", False, False),
    ("null", None, True), ("null", 0, False), ("null", "", False), ("not(null)", 5, True),
    ('date("2026-01-01")', date(2026, 1, 1), True), ('< date("2026-01-01")', date(2025, 12, 31), True),
    ('< date("2026-01-01")', date(2026, 1, 1), False), ('< date("2026-01-01")', "2025-12-31", None),
    ('[date("2026-01-01")..date("2026-03-31")]', date(2026, 2, 14), True),
    ("-1", -1, True), ("< -1.5", -2, True), ("0.1", 0.1, True), ("0.1", Decimal("0.10"), True),
    ('"雨"', "雨", True), ('"say \\"hi\\""', 'say "hi"', True),
    ("? > 3 and ? < 6", 4, True), ("? > 3 and ? < 6", 6, False), ('list contains(?, "a")', ["a", "b"], True),
]


@pytest.mark.parametrize("cell, value, expected", UNARY_TESTS,
                         ids=[f"{c or 'empty'} ~ {v!r}" for c, v, _ in UNARY_TESTS])
def test_each_unary_test_form(cell, value, expected):
    assert matches(cell, value) is expected


@pytest.mark.parametrize("cell, value, scope, expected", [
    ("> minimum", 5, {"minimum": 3}, True),
    ("> minimum", 2, {"minimum": 3}, False),
    ("< Monthly Salary", 100, {"Monthly Salary": 1000}, True),
    ("[lower..upper]", 7, {"lower": 5, "upper": 10}, True),
    ("[lower..upper]", 7, {"lower": 8, "upper": 10}, False),
    ("= other", "a", {"other": "a"}, True),
    ("other", "a", {"other": "b"}, False),
    ("allowed", "b", {"allowed": ["a", "b"]}, True),
    ("> missing", 5, {}, None),
])
def test_a_cell_may_name_other_inputs_and_variables(cell, value, scope, expected):
    assert matches(cell, value, **scope) is expected


# expressions ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("expression, scope, expected", [
    ("42", {}, 42), ("-.872", {}, Decimal("-0.872")), ('"foo bar"', {}, "foo bar"), ("null", {}, None),
    ("true", {}, True),
    ("Monthly Salary * 12", {"Monthly Salary": 10000}, 120000),
    ("Full Name", {"Full Name": "山田 太郎"}, "山田 太郎"),
    ("loan.rate * 100", {"loan": {"rate": 0.0375}}, Decimal("3.7500")),
    ("applicant.address.ward", {"applicant": {"address": {"ward": "中原区"}}}, "中原区"),
    ("applicant.unknown", {"applicant": {}}, None),
    ("people.age", {"people": [{"age": 1}, {"age": 2}]}, [1, 2]),
    ("10 + 5 - 3 * 2", {}, 9), ("(10 + 5) / 4", {}, Decimal("3.75")), ("2 ** 10", {}, 1024),
    ("10 ** -5", {}, Decimal("0.00001")), ("0.1 + 0.2", {}, Decimal("0.3")), ("1 / 3", {}, Decimal("0.3333333333333333333333333333333333")),
    ("10 / 0", {}, None), ("10 ** 100000", {}, None), ('"a" * 3', {}, None), ("1 + null", {}, None),
    ('"Hello " + name', {"name": "花子"}, "Hello 花子"), ('"n=" + 5', {}, None),
    ("age >= 65", {"age": 70}, True), ("age >= 65", {"age": None}, None), ('"a" < "b"', {}, True),
    ("1 = 1.0", {}, True), ("true = 1", {}, False), ("null = null", {}, True), ("x != null", {"x": 1}, True),
    ("[1, 2] = [1, 2]", {}, True), ('{a: 1} = {a: 1}', {}, True),
    ("age between 18 and 64", {"age": 30}, True), ("age between 18 and 64", {"age": 65}, False),
    ("age in [18..64]", {"age": 65}, False), ('ward in ("中原区", "高津区")', {"ward": "高津区"}, True),
    ('if age >= 65 then "senior" else "adult"', {"age": 70}, "senior"),
    ('if age >= 65 then "senior" else "adult"', {"age": None}, "adult"),
    ("[1, 2, 3]", {}, [1, 2, 3]), ("[1, 2, 3][2]", {}, 2), ("[1, 2, 3][-1]", {}, 3), ("[1, 2, 3][item > 1]", {}, [2, 3]),
    ('{"first name": "A", age: 3}.age', {}, 3),
    ('date("2026-01-31") + duration("P1D")', {}, date(2026, 2, 1)),
    ('date("2026-03-01") - date("2026-02-01") = duration("P28D")', {}, True),
    ('date("2026-04-01").month', {}, 4), ("date(2026, 4, 1)", {}, date(2026, 4, 1)),
    ('string length("おくやみ")', {}, 4), ('upper case("abc")', {}, "ABC"), ('substring("abcdef", 2, 3)', {}, "bcd"),
    ('contains("おくやみコーナー", "コーナー")', {}, True), ('starts with("JU03", "JU")', {}, True),
    ("count(items)", {"items": [1, 2, 3]}, 3), ("sum(items)", {"items": [1, 2.5]}, Decimal("3.5")),
    ("min(3, 1, 2)", {}, 1), ("max([3, 1, 2])", {}, 3), ("mean(1, 2, 3, 4)", {}, Decimal("2.5")),
    ('list contains(items, "b")', {"items": ["a", "b"]}, True), ("abs(-3)", {}, 3),
    ("floor(2.7)", {}, 2), ("ceiling(2.1)", {}, 3), ("decimal(1.005, 2)", {}, Decimal("1.00")),
    ("string(1.50)", {}, "1.5"), ('number("12.5") * 2', {}, Decimal("25.0")),
    ("not(true)", {}, False), ("not(null)", {}, None), ("not(5)", {}, None),
    ("x.__class__", {"x": "text"}, None), ("x.__class__", {"x": {}}, None),
])
def test_expressions(expression, scope, expected):
    result = evaluate(expression, **scope)
    assert result == expected and type(result) is type(expected) or (
        type(expected) is int and type(result) is Decimal and result == expected), (result, expected)


TRUTH = [True, False, None]


@pytest.mark.parametrize("a", TRUTH)
@pytest.mark.parametrize("b", TRUTH)
def test_and_or_follow_three_valued_logic(a, b):
    expected_and = False if False in (a, b) else (True if a is True and b is True else None)
    expected_or = True if True in (a, b) else (False if a is False and b is False else None)

    assert evaluate("A and B", A=a, B=b) is expected_and
    assert evaluate("A or B", A=a, B=b) is expected_or


def test_a_non_boolean_operand_counts_as_null_in_logic():
    assert evaluate('"yes" and true') is None
    assert evaluate('false and "yes"') is False
    assert evaluate("1 or true") is True


def test_names_the_model_declares_may_hold_keywords_and_symbols():
    expression = compile_expression("Approved/Declined + \" / \" + Risk and Score",
                                    known_names=("Approved/Declined", "Risk and Score"))

    assert expression({"Approved/Declined": "Approved", "Risk and Score": "low"}) == "Approved / low"


def test_constant_parts_are_computed_when_compiled():
    assert compile_expression('date("2026-01-01") + duration("P2D")').constant
    assert not compile_expression("today()").constant
    assert not compile_expression("age + 1").constant


# refusals ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("== 65", ["「==」", "「=」"]),
    ("'yes'", ["二重引用符"]),
    ('"yes', ["引用符", "閉じていません"]),
    ("True", ["Python", "true"]),
    ("None", ["null"]),
    ("not x", ["not(...)"]),
    ('__import__("os")', ["__import__", "使えません"]),
    ('open("/etc/passwd")', ["open", "使えません"]),
    ("age >=", ["途中で終わっています"]),
    ("[1..5", ["途中で終わっています"]),
    ("1 2", ["「2」", "位置"]),
    ('date("2026-02-30")', ["date(\"2026-02-30\")", "正しい値になりません"]),
    ('duration("P1Y")', ["duration", "正しい値になりません"]),
    ('substring("a")', ["substring", "引数"]),
    ("a # b", ["使えない文字「#」"]),
])
def test_what_feel_refuses_is_explained_in_japanese(text, words):
    with pytest.raises(FeelSyntaxError) as refused:
        compile_unary_tests(text)

    assert all(word in refused.value.user_message for word in words), refused.value.user_message
