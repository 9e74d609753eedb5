"""Dates and kana as clerks type them (processes/okuyami/clerk_entry.py), and the JSON API accepting the same
input as the booking screen: 和暦 birth dates, half-width kana and hiragana, the contact preference optional."""
from datetime import date

import pytest

from processes.okuyami.clerk_entry import DateEntryError, full_width_katakana, parse_date
from tests.api_support import reservation


@pytest.mark.parametrize("typed, day", [
    ("昭和16年4月12日", date(1941, 4, 12)), ("S16.4.12", date(1941, 4, 12)), ("s16/4/12", date(1941, 4, 12)),
    ("昭和 16年 4月 12日", date(1941, 4, 12)), ("1941-04-12", date(1941, 4, 12)), ("1941/4/12", date(1941, 4, 12)),
    ("1941年4月12日", date(1941, 4, 12)), ("１９４１－０４－１２", date(1941, 4, 12)), ("Ｓ１６．４．１２", date(1941, 4, 12)),
    ("平成元年1月8日", date(1989, 1, 8)), ("H31.4.30", date(2019, 4, 30)), ("令和元年5月1日", date(2019, 5, 1)),
    ("R8.11.20", date(2026, 11, 20)), ("大正15年12月24日", date(1926, 12, 24)), ("M45.7.29", date(1912, 7, 29)),
])
def test_a_date_is_read_in_wareki_or_western_form(typed, day):
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed, message", [
    ("昭和65年1月1日", "昭和の期間にない日付です（昭和は昭和元年12月25日から昭和64年1月7日まで）。"),
    ("H1.1.7", "平成の期間にない日付です（平成は平成元年1月8日から平成31年4月30日まで）。"),
    ("S16.2.30", "存在しない日付です。昭和16年4月12日、S16.4.12、1941-04-12 のように入力してください。"),
    ("昭和0年1月1日", "昭和の年は1年（元年）からです。"),
    ("16.4.12", "昭和16年4月12日、S16.4.12、1941-04-12 のように入力してください。"),
    ("X16.4.12", "昭和16年4月12日、S16.4.12、1941-04-12 のように入力してください。"),
])
def test_a_date_that_cannot_be_read_says_what_is_accepted(typed, message):
    with pytest.raises(DateEntryError) as error:
        parse_date(typed)
    assert error.value.message == message


@pytest.mark.parametrize("typed, kana", [
    ("ｶﾜｻｷ ﾀﾛｳ", "カワサキ タロウ"), ("かわさき　はなこ", "カワサキ ハナコ"), ("ｶﾞｯｺｳ", "ガッコウ"),
    ("  カワサキ   タロウ ", "カワサキ タロウ"), ("ゔぁいおりん", "ヴァイオリン"),
])
def test_kana_becomes_full_width_katakana(typed, kana):
    assert full_width_katakana(typed) == kana


def test_the_api_accepts_wareki_dates_and_half_width_kana_and_stores_them_normalised(api, api_app):
    body = reservation()
    body["deceased"] = {**body["deceased"], "birth_date": "昭和15年5月5日", "kana": "ｶﾜｻｷ ﾀﾛｳ"}
    body["applicant"] = {**body["applicant"], "birth_date": "S43.2.3", "kana": "かわさき はなこ"}
    body["date_of_death"] = "R8.11.20"
    response = api.post("/cases", "op", body)
    assert response.status_code == 201, response.get_json()
    data = api_app.extensions["okuyami"].runtime.instance_data(response.get_json()["id"])
    assert data["deceased"] == {**reservation()["deceased"]}
    assert (data["applicant"]["birth_date"], data["applicant"]["kana"]) == ("1968-02-03", "カワサキ ハナコ")
    assert data["date_of_death"] == "2026-11-20" and data["answers"]["deceased_birth_date"] == "1940-05-05"


def test_the_api_refuses_an_unreadable_date_naming_the_field(api):
    body = reservation()
    body["applicant"] = {**body["applicant"], "birth_date": "S99.1.1"}
    response = api.post("/cases", "op", body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "applicant.birth_date",
                                              "message": "昭和の期間にない日付です（昭和は昭和元年12月25日から昭和64年1月7日まで）。"}]


def test_the_old_payload_without_a_contact_preference_is_still_accepted(api, api_app):
    old = reservation()
    assert "contact_preference" not in old
    assert api.post("/cases", "op", old).status_code == 201
    chosen = api.post("/cases", "op", reservation(contact_preference="phone",
                                                  slot_start="2026-12-03T13:00:00+09:00"))
    assert chosen.status_code == 201
    assert api_app.extensions["okuyami"].runtime.instance_data(chosen.get_json()["id"])["contact_preference"] == "phone"
    wrong = api.post("/cases", "op", reservation(contact_preference="fax"))
    assert wrong.status_code == 422 and [e["field"] for e in wrong.get_json()["errors"]] == ["contact_preference"]


def test_the_openapi_document_describes_the_contact_preference(api):
    document = api.client.get("/api/v1/openapi.json").get_json()
    body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    preference = body["properties"]["contact_preference"]
    assert preference["enum"] == ["phone", "email", "letter"] and "contact_preference" not in body["required"]
    assert "省略時" in preference["description"]
