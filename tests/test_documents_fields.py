"""The forms' field model: 和暦 dates and kana as the city's paper forms write them, every field a text (an empty
box when the case does not know it yet), the representative heir taken from the applicant."""
from datetime import date

import pytest

from processes.documents.fields import BLANK_DATE, FIELDS, form_context
from processes.documents.japanese import age_on, hiragana, katakana, wareki
from processes.documents.templates import SAMPLE_DATA
from processes.okuyami.guidance import guidance_sheet


@pytest.mark.parametrize("day, expected", [
    ("2026-11-20", "令和8年11月20日"),
    ("2019-05-01", "令和元年5月1日"),
    ("2019-04-30", "平成31年4月30日"),
    ("1989-01-08", "平成元年1月8日"),
    ("1989-01-07", "昭和64年1月7日"),
    ("1940-05-05", "昭和15年5月5日"),
    ("1926-12-24", "大正15年12月24日"),
    ("1912-07-29", "明治45年7月29日"),
    (None, ""),
])
def test_dates_are_written_in_the_japanese_era(day, expected):
    assert wareki(day) == expected


def test_kana_is_normalised_for_furigana_boxes():
    assert katakana("ｶﾜｻｷ ﾀﾛｳ") == "カワサキ タロウ"
    assert katakana("かわさき") == "カワサキ"
    assert hiragana("カワサキ タロウ") == "かわさき たろう"
    assert katakana(None) == "" and hiragana("") == ""


def test_age_counts_full_years():
    assert age_on("1940-05-05", "2026-05-04") == "85"
    assert age_on("1940-05-05", "2026-05-05") == "86"
    assert age_on(None, "2026-05-05") == ""


def _context(data):
    return form_context(data, guidance_sheet(7, data), date(2026, 11, 24))


def _leaves(node, prefix=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for item in node:
            yield from _leaves(item, prefix[:-1] + "[].")
    else:
        yield prefix[:-1], node


def test_every_field_of_the_model_is_filled_from_the_sample_case():
    context = _context(SAMPLE_DATA)
    values = dict(_leaves(context))
    lists = ("procedures", "items_to_bring", "procedures[].items_to_bring", "handovers", "handovers[].dropped",
             "handovers[].added")
    scalar_fields = {path for path in FIELDS if path not in lists}
    assert scalar_fields <= set(values)
    assert context["deceased"]["death_date"] == "令和8年11月20日"
    assert context["deceased"]["birth_date"] == "昭和15年5月5日"
    assert context["dates"]["visit"] == "令和8年12月3日" and context["dates"]["visit_time"] == "10:30"
    assert context["heir"]["name"] == "見本 花子"      # the applicant is the representative heir
    assert context["account"]["number"] == "1234567"
    assert [p["id"] for p in context["procedures"]] == ["JU03", "HN01"]


def test_what_the_case_does_not_know_is_an_empty_text_never_none():
    data = {key: value for key, value in SAMPLE_DATA.items()
            if key not in ("funeral_host", "refund_account", "new_householder")}
    data["representative_heir"] = False
    data["applicant"] = {**data["applicant"], "phone": None}
    context = _context(data)
    leaves = dict(_leaves(context))
    assert all(value is not None and isinstance(value, str) for value in leaves.values())
    assert context["funeral_host"]["name"] == "" and context["account"]["bank"] == ""
    assert context["heir"]["name"] == ""              # not the heir: the form leaves the box empty
    assert context["applicant"]["phone"] == ""
    assert context["dates"]["blank"] == BLANK_DATE
