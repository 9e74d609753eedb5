"""Every DMN 1.3 hit policy, single and compound outputs, defaults, and the errors UNIQUE and ANY must raise."""
from __future__ import annotations

from decimal import Decimal

import pytest

from engine.dmn import DecisionError, HitPolicyViolation
from tests.dmn_support import service, table_decision

# A fee table whose rules overlap: age 70 matches rules 1, 2 and 4; age 30 matches rules 3 and 4.
FEE_RULES = [
    (">= 65", '"senior"', "100"),
    (">= 70", '"elderly"', "50"),
    ("< 65", '"adult"', "300"),
    ("-", '"anyone"', "500"),
]


def fees(hit_policy: str, aggregation: str | None = None, outputs=("band", "fee"), rules=None, **kw):
    """The fee table; with one output, FEE_RULES keep that output's column. `rules` replaces FEE_RULES."""
    if rules is None:
        rules = [r[:1] + tuple(r[1 + i] for i, o in enumerate(("band", "fee")) if o in outputs) for r in FEE_RULES]
    return service(table_decision("fees", ["age"], list(outputs), rules, hit_policy, aggregation, **kw))


def test_unique_returns_the_one_matching_rule():
    table = fees("UNIQUE", rules=[("< 65", '"adult"', "300"), (">= 65", '"senior"', "100")])

    assert table.evaluate("fees", {"age": 30}) == {"band": "adult", "fee": 300}
    assert table.evaluate("fees", {"age": 65}) == {"band": "senior", "fee": 100}


def test_unique_with_several_matching_rules_is_an_error_naming_them():
    with pytest.raises(HitPolicyViolation) as violated:
        fees("UNIQUE").evaluate("fees", {"age": 30})

    assert violated.value.rule_ids == ("fees_r3", "fees_r4")
    assert "UNIQUE" in str(violated.value) and "fees_r3 (row 3)" in str(violated.value)
    message = violated.value.user_message
    assert "UNIQUE" in message and "3 行目（fees_r3）" in message and "4 行目（fees_r4）" in message


def test_first_returns_the_first_matching_rule_in_table_order():
    assert fees("FIRST").evaluate("fees", {"age": 70}) == {"band": "senior", "fee": 100}
    assert fees("FIRST").evaluate("fees", {"age": 30}) == {"band": "adult", "fee": 300}


def test_any_returns_the_shared_output_of_agreeing_rules():
    table = fees("ANY", outputs=("fee",), rules=[(">= 65", "100"), ("> 64", "100"), ("< 65", "300")])

    assert table.evaluate("fees", {"age": 70}) == {"fee": 100}


def test_any_with_disagreeing_rules_is_an_error_naming_them():
    with pytest.raises(HitPolicyViolation) as conflict:
        fees("ANY").evaluate("fees", {"age": 70})

    assert conflict.value.rule_ids == ("fees_r1", "fees_r2", "fees_r4")
    assert "ANY" in conflict.value.user_message and "食い違って" in conflict.value.user_message
    assert "1 行目（fees_r1）" in conflict.value.user_message


def test_priority_returns_the_match_whose_output_comes_first_in_the_output_values():
    table = fees("PRIORITY", output_values={"band": '"elderly", "senior", "adult", "anyone"'})

    assert table.evaluate("fees", {"age": 70}) == {"band": "elderly", "fee": 50}
    assert table.evaluate("fees", {"age": 66}) == {"band": "senior", "fee": 100}


def test_priority_over_compound_outputs_compares_output_by_output():
    rules = [("-", '"Declined"', '"Standard"'), ("-", '"Approved"', '"Standard"'), ("-", '"Approved"', '"Best"')]
    table = fees("PRIORITY", rules=rules, output_values={"band": '"Approved", "Declined"',
                                                          "fee": '"Best", "Standard"'})

    assert table.evaluate("fees", {"age": 1}) == {"band": "Approved", "fee": "Best"}


def test_rule_order_lists_every_match_in_table_order():
    assert fees("RULE ORDER").evaluate("fees", {"age": 70}) == [
        {"band": "senior", "fee": 100}, {"band": "elderly", "fee": 50}, {"band": "anyone", "fee": 500}]


def test_output_order_lists_every_match_by_output_priority():
    table = fees("OUTPUT ORDER", output_values={"band": '"anyone", "elderly", "senior", "adult"'})

    assert [row["band"] for row in table.evaluate("fees", {"age": 70})] == ["anyone", "elderly", "senior"]


def test_collect_lists_every_match():
    table = fees("COLLECT", outputs=("band",))

    assert table.evaluate("fees", {"age": 70}) == [{"band": "senior"}, {"band": "elderly"}, {"band": "anyone"}]
    assert table.evaluate_raw("fees", {"age": 70}) == ["senior", "elderly", "anyone"]


@pytest.mark.parametrize("aggregation, age, expected", [
    ("SUM", 70, 650), ("SUM", 30, 800),
    ("MIN", 70, 50), ("MAX", 70, 500),
    ("COUNT", 70, 3), ("COUNT", 30, 2),
])
def test_collect_aggregations(aggregation, age, expected):
    table = fees("COLLECT", aggregation, outputs=("fee",))

    assert table.evaluate("fees", {"age": age}) == {"fee": expected}


def test_aggregating_no_match_gives_null_or_zero():
    table = lambda aggregation: fees("COLLECT", aggregation, outputs=("fee",), rules=[("> 200", "1")])  # noqa: E731

    assert table("SUM").evaluate("fees", {"age": 1}) == {"fee": None}
    assert table("MAX").evaluate("fees", {"age": 1}) == {"fee": None}
    assert table("COUNT").evaluate("fees", {"age": 1}) == {"fee": 0}


def test_sum_keeps_decimal_precision():
    table = fees("COLLECT", "SUM", outputs=("fee",), rules=[("-", "0.1"), ("-", "0.2")])

    assert table.evaluate_raw("fees", {"age": 1}) == Decimal("0.3")
    assert table.evaluate("fees", {"age": 1}) == {"fee": 0.3}


def test_a_single_hit_table_without_a_match_gives_its_defaults_or_null():
    without = fees("UNIQUE", rules=[("> 200", '"x"', "1")])
    with_defaults = fees("UNIQUE", rules=[("> 200", '"x"', "1")], defaults={"band": '"none"'})

    assert without.evaluate_raw("fees", {"age": 1}) is None
    assert without.evaluate("fees", {"age": 1}) == {"band": None, "fee": None}
    assert with_defaults.evaluate_raw("fees", {"age": 1}) == {"band": "none", "fee": None}


def test_a_multiple_hit_table_without_a_match_gives_an_empty_list():
    assert fees("RULE ORDER", rules=[("> 200", '"x"', "1")]).evaluate("fees", {"age": 1}) == []


def test_a_single_output_without_a_name_is_named_after_the_decision():
    decision = table_decision("advert", ["age"], [""], [(">18", '"Cars"'), (">12", '"Videogames"')], "FIRST",
                              name="Advertisement")
    table = service(decision.replace('name=""', ""))

    assert table.evaluate("Advertisement", {"age": 19}) == {"Advertisement": "Cars"}
    assert table.evaluate_raw("advert", {"age": 13}) == "Videogames"


def test_inputs_are_evaluated_once_per_evaluation_and_missing_ones_are_null():
    table = service(table_decision("t", ["a.b", "c"], ["out"], [("null", "-", '"no a.b"'), ("-", "null", '"no c"')],
                                   "RULE ORDER"))

    assert table.evaluate_raw("t", {}) == ["no a.b", "no c"]
    assert table.evaluate_raw("t", {"a": {"b": 1}, "c": 2}) == []


def test_asking_for_a_decision_the_file_does_not_have_is_an_error():
    with pytest.raises(DecisionError) as unknown:
        fees("FIRST").evaluate("no_such_decision", {})

    assert "no_such_decision" in unknown.value.user_message
