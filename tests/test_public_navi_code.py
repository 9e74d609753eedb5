"""The answers code: it carries the answers themselves (decoding gives back exactly what made it), a misheard or
mistyped character or two swapped neighbours are caught, and a code of an older interview still loads, with what
no longer maps left unanswered for the operator."""
from __future__ import annotations

import random

import pytest

from processes.public import answers_code
from processes.public.answers_code import ALPHABET, CodeError, decode, encode, map_answers
from processes.public.navi import current_version, decode_code, known_schemas

VERSION, SCHEMA = current_version()


def random_answers(rng: random.Random) -> dict:
    answers = {}
    for question in SCHEMA:
        if rng.random() < 0.3:
            continue
        kind, options = question["kind"], question["options"]
        if kind == "multi":
            answers[question["key"]] = ("unknown" if rng.random() < 0.2 else
                                        [o for o in options if rng.random() < 0.3])
        elif kind == "number":
            answers[question["key"]] = "unknown" if rng.random() < 0.2 else rng.randint(0, options[0])
        else:
            answers[question["key"]] = rng.choice(options)
    return answers


def test_a_code_gives_back_exactly_the_answers_that_made_it():
    rng = random.Random(17)
    for _ in range(300):
        answers = random_answers(rng)
        code = encode(VERSION, SCHEMA, answers)
        assert decode_code(code) == (answers, [])
    assert decode_code(encode(VERSION, SCHEMA, {})) == ({}, [])


def test_a_code_reads_well_over_the_phone():
    code = encode(VERSION, SCHEMA, {"household_head": "yes", "cards": ["juki_card"], "welfare_items": "unknown"})
    groups = code.split("-")
    assert all(1 <= len(g) <= 4 for g in groups) and len(code.replace("-", "")) <= 18
    assert set(code.replace("-", "")) <= set(ALPHABET) and not set(code) & set("ILOU")
    typed = code.replace("-", " ").lower().replace("1", "l").replace("0", "o")
    assert decode_code(typed) == decode_code(code)


def test_every_single_wrong_character_and_every_swap_of_neighbours_is_caught():
    code = encode(VERSION, SCHEMA, random_answers(random.Random(3))).replace("-", "")
    for position, original in enumerate(code):
        for wrong in ALPHABET:
            if wrong != original:
                with pytest.raises(CodeError):
                    decode(code[:position] + wrong + code[position + 1:], known_schemas())
    for position in range(len(code) - 1):
        a, b = code[position], code[position + 1]
        if a != b:
            with pytest.raises(CodeError, match="聞き間違い|読み取れません"):
                decode(code[:position] + b + a + code[position + 2:], known_schemas())


@pytest.mark.parametrize("typed, message", [("", "入力してください"), ("ABCU-12", "使えない文字（U）"),
                                            ("12", "正しくありません")])
def test_a_mistyped_code_says_what_is_wrong_in_japanese(typed, message):
    with pytest.raises(CodeError, match=message):
        decode_code(typed)


def test_a_code_from_an_older_interview_still_loads_and_what_no_longer_maps_is_unanswered():
    older = [{"key": "household_head", "kind": "yes_no", "options": ["yes", "no", "unknown"]},
             {"key": "pet_owner", "kind": "yes_no", "options": ["yes", "no", "unknown"]},
             {"key": "cards", "kind": "multi", "options": ["seal_registration", "library_card"]},
             {"key": "health_insurance", "kind": "choice", "options": ["kokuho", "seamen"]}]
    code = encode(2, older, {"household_head": "no", "pet_owner": "yes", "cards": ["seal_registration"],
                             "health_insurance": "seamen"})
    version, answers = decode(code, {**known_schemas(), 2: older})
    assert version == 2
    assert map_answers(answers, SCHEMA) == ({"household_head": "no", "cards": ["seal_registration"]},
                                            ["pet_owner", "health_insurance"])
    assert map_answers({"cards": ["library_card"]}, SCHEMA) == ({}, ["cards"])


def test_the_current_interview_is_a_listed_version_so_old_codes_keep_their_meaning():
    assert known_schemas()[VERSION] == SCHEMA
    assert answers_code.fits(SCHEMA[0], "yes") and not answers_code.fits(SCHEMA[0], "perhaps")


def test_the_staff_api_reads_a_code_and_says_so_in_japanese_when_it_is_mistyped(api):
    answers = {"household_head": "yes", "household_members_15plus_remaining": 1, "welfare_items": ["KS03"]}
    code = encode(VERSION, SCHEMA, answers)
    response = api.get(f"/navi/codes/{code}", "op")
    assert response.status_code == 200
    assert response.get_json() == {"answers": answers, "unanswered": []}
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = api.get(f"/navi/codes/{wrong}", "op")
    assert response.status_code == 400
    body = response.get_json()
    assert "回答コード" in body["error"]["message"] and body["errors"][0]["field"] == "code"
    assert api.get(f"/navi/codes/{code}", None).status_code == 401
